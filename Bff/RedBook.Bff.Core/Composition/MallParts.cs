using RedBook.Bff.Core.Degrade;
using RedBook.Bff.Core.Mall;

namespace RedBook.Bff.Core.Composition;

/// <summary>The degradable parts that come from the mall.</summary>
/// <param name="Catalog">Catalogue pages, also the home screen's recommendations (<c>bff-catalog</c>).</param>
/// <param name="Tagged">The products a note tags, by their ids (<c>bff-tagged-products</c>).</param>
public sealed record MallParts(PartCache<ProductPage> Catalog, PartCache<ProductList> Tagged)
{
    /// <summary>The cache names, in the order of the parameters.</summary>
    public static readonly string[] CacheNames = ["bff-catalog", "bff-tagged-products"];
}

/// <summary>A list of products (a cacheable value).</summary>
public sealed record ProductList(IReadOnlyList<ProductView> Products);

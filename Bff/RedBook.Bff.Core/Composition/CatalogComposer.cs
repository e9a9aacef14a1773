using RedBook.Bff.Core.Degrade;
using RedBook.Bff.Core.Mall;

namespace RedBook.Bff.Core.Composition;

/// <summary>The catalogue's pages, degrading to a copy or to an empty page, marked <c>products</c>.</summary>
public sealed class CatalogComposer(IMallGateway mall, MallParts mallParts)
{
    /// <summary>A page of the catalogue.</summary>
    public async Task<Listing<ProductView>> ListAsync(int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var parts = new DegradedParts();
        var result = await mallParts.Catalog.GetAsync(
            CacheKeys.Of(pageSize, pageToken), ct => mall.ListProductsAsync(pageSize, pageToken, ct), cancellationToken).ConfigureAwait(false);
        parts.Mark(ScreenParts.Products, result.IsDegraded);
        var page = result.Value ?? new ProductPage([], string.Empty);
        return new Listing<ProductView>(page.Products, page.NextPageToken, parts.ToList());
    }
}

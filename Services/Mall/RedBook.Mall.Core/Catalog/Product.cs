namespace RedBook.Mall.Core.Catalog;

/// <summary>
/// A product of the catalogue with its stock. Money is in minor units of the mall's currency (fen for CNY, cents for
/// USD) as a whole number, everywhere: no floating point touches a price. <see cref="Version"/> increases with every
/// change; stores update a product only at the version it was read at (optimistic concurrency).
/// </summary>
public sealed record Product
{
    /// <summary>The id (UUIDv7).</summary>
    public required string Id { get; init; }

    /// <summary>The display name.</summary>
    public required string Name { get; init; }

    /// <summary>The description (may be empty).</summary>
    public required string Description { get; init; }

    /// <summary>The unit price in minor units.</summary>
    public required long PriceMinor { get; init; }

    /// <summary>Units that can be ordered.</summary>
    public required int Available { get; init; }

    /// <summary>Units held by placed, unpaid orders (released when they are cancelled or their reservation expires).</summary>
    public required int Reserved { get; init; }

    /// <summary>The optimistic-concurrency version, 1 when created.</summary>
    public required long Version { get; init; }

    /// <summary>When the product was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the product last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A validated new product.</summary>
public sealed record ProductDraft(string Name, string Description, long PriceMinor, int InitialStock);

using RedBook.Mall.Core.Catalog;

namespace RedBook.Mall.Core.Ordering;

/// <summary>An order's state: placed (stock reserved), paid (stock sold) or cancelled (stock released).</summary>
public enum OrderState
{
    /// <summary>Placed; its stock is reserved until <see cref="Order.ReservationExpiresAt"/>.</summary>
    Placed = 1,

    /// <summary>Paid; its reserved stock is sold.</summary>
    Paid = 2,

    /// <summary>Cancelled by the user or by the reservation's expiry; its stock went back to available.</summary>
    Cancelled = 3,
}

/// <summary>An order line: a product, a quantity and the unit price (minor units) when the order was placed.</summary>
public sealed record OrderItem(string ProductId, int Quantity, long UnitPriceMinor);

/// <summary>A requested order line (validated).</summary>
public sealed record OrderLine(string ProductId, int Quantity);

/// <summary>
/// An order. (<see cref="UserId"/>, <see cref="IdempotencyKey"/>) is unique in every store, so a retried request finds
/// the order its first attempt placed instead of placing a second. <see cref="Version"/> guards state changes.
/// </summary>
public sealed record Order
{
    /// <summary>The id (UUIDv7).</summary>
    public required string Id { get; init; }

    /// <summary>The buyer.</summary>
    public required string UserId { get; init; }

    /// <summary>The client's idempotency key, unique per user.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The lines.</summary>
    public required IReadOnlyList<OrderItem> Items { get; init; }

    /// <summary>The sum of the lines, in minor units.</summary>
    public required long TotalMinor { get; init; }

    /// <summary>The state.</summary>
    public required OrderState State { get; init; }

    /// <summary>The optimistic-concurrency version, 1 when placed.</summary>
    public required long Version { get; init; }

    /// <summary>When the order was placed.</summary>
    public required DateTimeOffset PlacedAt { get; init; }

    /// <summary>When the stock reservation lapses if the order is not paid.</summary>
    public required DateTimeOffset ReservationExpiresAt { get; init; }

    /// <summary>When the order last changed state.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Why the order was cancelled (<see cref="CancelReasons"/>), when it was.</summary>
    public string? CancelReason { get; init; }

    /// <summary>True when <paramref name="lines"/> ask for exactly this order's products and quantities.</summary>
    public bool Matches(IReadOnlyList<OrderLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return lines.Count == Items.Count
            && lines.OrderBy(l => l.ProductId, StringComparer.Ordinal).Zip(Items.OrderBy(i => i.ProductId, StringComparer.Ordinal))
                .All(pair => pair.First.ProductId == pair.Second.ProductId && pair.First.Quantity == pair.Second.Quantity);
    }
}

/// <summary>Why an order was cancelled.</summary>
public static class CancelReasons
{
    /// <summary>The buyer cancelled it.</summary>
    public const string User = "user";

    /// <summary>Its reservation expired before payment.</summary>
    public const string Expired = "expired";
}

/// <summary>A product's new stock, to be written only if the product is still at <paramref name="ExpectedVersion"/>.</summary>
public sealed record StockChange(Product Updated, long ExpectedVersion);

/// <summary>The result of <see cref="IMallStore.PlaceOrderAsync"/>.</summary>
public enum PlaceOrderOutcome
{
    /// <summary>The order, its reservations and its events were written.</summary>
    Placed,

    /// <summary>The user already has an order with that idempotency key; nothing was written.</summary>
    DuplicateIdempotencyKey,

    /// <summary>A product changed since it was read; nothing was written.</summary>
    VersionConflict,
}

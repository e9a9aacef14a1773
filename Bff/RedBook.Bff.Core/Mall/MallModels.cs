namespace RedBook.Bff.Core.Mall;

/// <summary>An amount of the mall's one currency, in whole minor units (fen for CNY).</summary>
public sealed record Money(string CurrencyCode, long MinorUnits);

/// <summary>A product as the app shows it.</summary>
public sealed record ProductView(string Id, string Name, string Description, Money Price, int Available, long Version);

/// <summary>A page of the catalogue.</summary>
public sealed record ProductPage(IReadOnlyList<ProductView> Products, string NextPageToken);

/// <summary>One line of an order to place.</summary>
public sealed record OrderLine(string ProductId, int Quantity);

/// <summary>A line of a placed order, at the price of placing time.</summary>
public sealed record OrderItemView(string ProductId, int Quantity, Money UnitPrice);

/// <summary>An order.</summary>
/// <param name="Id">The order's id.</param>
/// <param name="IdempotencyKey">The key it was placed with; a retry with it returns this order.</param>
/// <param name="Items">Its lines.</param>
/// <param name="Total">The total.</param>
/// <param name="State"><c>placed</c>, <c>paid</c> or <c>cancelled</c>.</param>
/// <param name="Version">Send it as <c>expectedVersion</c> to pay or cancel only this state of the order.</param>
/// <param name="PlacedAt">When it was placed.</param>
/// <param name="ReservationExpiresAt">Until when its stock is reserved (placed orders).</param>
/// <param name="UpdatedAt">Its last change.</param>
/// <param name="CancelReason"><c>user</c> or <c>expired</c> when cancelled.</param>
public sealed record OrderView(
    string Id,
    string IdempotencyKey,
    IReadOnlyList<OrderItemView> Items,
    Money Total,
    string State,
    long Version,
    DateTimeOffset PlacedAt,
    DateTimeOffset? ReservationExpiresAt,
    DateTimeOffset UpdatedAt,
    string? CancelReason);

/// <summary>The answer to placing an order: the order, and false for <paramref name="Created"/> when the key found an earlier one.</summary>
public sealed record PlacedOrder(OrderView Order, bool Created);

/// <summary>A page of a user's orders, newest first.</summary>
public sealed record OrderPage(IReadOnlyList<OrderView> Orders, string NextPageToken);

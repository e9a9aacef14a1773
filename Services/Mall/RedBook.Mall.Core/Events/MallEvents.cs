using System.Text.Json.Serialization;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Core.Ordering;
using RedBook.Messaging.Outbox;

namespace RedBook.Mall.Core.Events;

/// <summary>The mall's topics and event types.</summary>
public static class MallTopics
{
    /// <summary>Order events (key: the order id).</summary>
    public const string Orders = "mall.orders";

    /// <summary>Stock events (key: the product id).</summary>
    public const string Stock = "mall.stock";

    /// <summary><see cref="OrderPlaced"/>.</summary>
    public const string OrderPlacedType = "order.placed";

    /// <summary><see cref="OrderPaid"/>.</summary>
    public const string OrderPaidType = "order.paid";

    /// <summary><see cref="OrderCancelled"/>.</summary>
    public const string OrderCancelledType = "order.cancelled";

    /// <summary><see cref="StockChanged"/>.</summary>
    public const string StockChangedType = "stock.changed";
}

/// <summary><c>order.placed</c>; <c>unitPrice</c> and <c>total</c> are whole minor units.</summary>
public sealed record OrderPlaced(string OrderId, string UserId, IReadOnlyList<OrderPlacedItem> Items, long Total, DateTimeOffset PlacedAt);

/// <summary>A line of <see cref="OrderPlaced"/>.</summary>
public sealed record OrderPlacedItem(string ProductId, int Quantity, long UnitPrice);

/// <summary><c>order.paid</c>.</summary>
public sealed record OrderPaid(string OrderId, DateTimeOffset PaidAt);

/// <summary><c>order.cancelled</c>.</summary>
public sealed record OrderCancelled(string OrderId, IReadOnlyList<OrderCancelledItem> Items, DateTimeOffset CancelledAt);

/// <summary>A line of <see cref="OrderCancelled"/>.</summary>
public sealed record OrderCancelledItem(string ProductId, int Quantity);

/// <summary><c>stock.changed</c>.</summary>
public sealed record StockChanged(string ProductId, int Available, int Reserved, DateTimeOffset ChangedAt);

/// <summary>Source-generated JSON (camelCase) of the mall's events.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderPaid))]
[JsonSerializable(typeof(OrderCancelled))]
[JsonSerializable(typeof(StockChanged))]
public sealed partial class MallJsonContext : JsonSerializerContext;

/// <summary>Builds the outbox messages of the mall's state changes.</summary>
public static class MallEvents
{
    /// <summary><c>order.placed</c>.</summary>
    public static OutboxMessage OrderPlaced(Order order, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(order);
        return OutboxMessage.Create(MallTopics.Orders, order.Id, MallTopics.OrderPlacedType,
            new OrderPlaced(order.Id, order.UserId, order.Items.Select(i => new OrderPlacedItem(i.ProductId, i.Quantity, i.UnitPriceMinor)).ToList(), order.TotalMinor, order.PlacedAt),
            MallJsonContext.Default.OrderPlaced, timeProvider);
    }

    /// <summary><c>order.paid</c>.</summary>
    public static OutboxMessage OrderPaid(Order order, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(order);
        return OutboxMessage.Create(MallTopics.Orders, order.Id, MallTopics.OrderPaidType, new OrderPaid(order.Id, order.UpdatedAt), MallJsonContext.Default.OrderPaid, timeProvider);
    }

    /// <summary><c>order.cancelled</c>.</summary>
    public static OutboxMessage OrderCancelled(Order order, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(order);
        return OutboxMessage.Create(MallTopics.Orders, order.Id, MallTopics.OrderCancelledType,
            new OrderCancelled(order.Id, order.Items.Select(i => new OrderCancelledItem(i.ProductId, i.Quantity)).ToList(), order.UpdatedAt),
            MallJsonContext.Default.OrderCancelled, timeProvider);
    }

    /// <summary><c>stock.changed</c> with the product's new stock.</summary>
    public static OutboxMessage StockChanged(Product product, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(product);
        return OutboxMessage.Create(MallTopics.Stock, product.Id, MallTopics.StockChangedType,
            new StockChanged(product.Id, product.Available, product.Reserved, product.UpdatedAt), MallJsonContext.Default.StockChanged, timeProvider);
    }
}

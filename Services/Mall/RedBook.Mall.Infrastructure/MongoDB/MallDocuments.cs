using MongoDB.Bson.Serialization.Attributes;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Core.Ordering;
using RedBook.Mall.Infrastructure.Sqlite;

namespace RedBook.Mall.Infrastructure.MongoDB;

/// <summary>A product in <c>products</c>; <c>_id</c> is the time-ordered product id.</summary>
[BsonIgnoreExtraElements]
internal sealed class ProductDocument
{
    [BsonId] public string Id { get; set; } = string.Empty;
    [BsonElement("name")] public string Name { get; set; } = string.Empty;
    [BsonElement("description")] public string Description { get; set; } = string.Empty;
    [BsonElement("priceMinor")] public long PriceMinor { get; set; }
    [BsonElement("available")] public int Available { get; set; }
    [BsonElement("reserved")] public int Reserved { get; set; }
    [BsonElement("version")] public long Version { get; set; }
    [BsonElement("createdAt"), BsonDateTimeOptions(Kind = DateTimeKind.Utc)] public DateTime CreatedAt { get; set; }
    [BsonElement("updatedAt"), BsonDateTimeOptions(Kind = DateTimeKind.Utc)] public DateTime UpdatedAt { get; set; }

    public static ProductDocument From(Product p) => new()
    {
        Id = p.Id,
        Name = p.Name,
        Description = p.Description,
        PriceMinor = p.PriceMinor,
        Available = p.Available,
        Reserved = p.Reserved,
        Version = p.Version,
        CreatedAt = p.CreatedAt.UtcDateTime,
        UpdatedAt = p.UpdatedAt.UtcDateTime,
    };

    public Product ToProduct() => new()
    {
        Id = Id,
        Name = Name,
        Description = Description,
        PriceMinor = PriceMinor,
        Available = Available,
        Reserved = Reserved,
        Version = Version,
        CreatedAt = new DateTimeOffset(CreatedAt, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(UpdatedAt, TimeSpan.Zero),
    };
}

/// <summary>An order in <c>orders</c>; unique on (userId, idempotencyKey).</summary>
[BsonIgnoreExtraElements]
internal sealed class OrderDocument
{
    [BsonId] public string Id { get; set; } = string.Empty;
    [BsonElement("userId")] public string UserId { get; set; } = string.Empty;
    [BsonElement("idempotencyKey")] public string IdempotencyKey { get; set; } = string.Empty;
    [BsonElement("items")] public List<OrderItemDocument> Items { get; set; } = [];
    [BsonElement("totalMinor")] public long TotalMinor { get; set; }
    [BsonElement("state")] public string State { get; set; } = string.Empty;
    [BsonElement("version")] public long Version { get; set; }
    [BsonElement("placedAt"), BsonDateTimeOptions(Kind = DateTimeKind.Utc)] public DateTime PlacedAt { get; set; }
    [BsonElement("reservationExpiresAt"), BsonDateTimeOptions(Kind = DateTimeKind.Utc)] public DateTime ReservationExpiresAt { get; set; }
    [BsonElement("updatedAt"), BsonDateTimeOptions(Kind = DateTimeKind.Utc)] public DateTime UpdatedAt { get; set; }
    [BsonElement("cancelReason")] public string? CancelReason { get; set; }

    public static OrderDocument From(Order o) => new()
    {
        Id = o.Id,
        UserId = o.UserId,
        IdempotencyKey = o.IdempotencyKey,
        Items = o.Items.Select(i => new OrderItemDocument { ProductId = i.ProductId, Quantity = i.Quantity, UnitPriceMinor = i.UnitPriceMinor }).ToList(),
        TotalMinor = o.TotalMinor,
        State = SqliteMallStore.StateName(o.State),
        Version = o.Version,
        PlacedAt = o.PlacedAt.UtcDateTime,
        ReservationExpiresAt = o.ReservationExpiresAt.UtcDateTime,
        UpdatedAt = o.UpdatedAt.UtcDateTime,
        CancelReason = o.CancelReason,
    };

    public Order ToOrder() => new()
    {
        Id = Id,
        UserId = UserId,
        IdempotencyKey = IdempotencyKey,
        Items = Items.ConvertAll(i => new OrderItem(i.ProductId, i.Quantity, i.UnitPriceMinor)),
        TotalMinor = TotalMinor,
        State = SqliteMallStore.ParseState(State),
        Version = Version,
        PlacedAt = new DateTimeOffset(PlacedAt, TimeSpan.Zero),
        ReservationExpiresAt = new DateTimeOffset(ReservationExpiresAt, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(UpdatedAt, TimeSpan.Zero),
        CancelReason = CancelReason,
    };
}

/// <summary>An order line.</summary>
internal sealed class OrderItemDocument
{
    [BsonElement("productId")] public string ProductId { get; set; } = string.Empty;
    [BsonElement("quantity")] public int Quantity { get; set; }
    [BsonElement("unitPriceMinor")] public long UnitPriceMinor { get; set; }
}

using Google.Protobuf.WellKnownTypes;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Core.Ordering;
using V1 = RedBook.Mall.Contracts.V1;

namespace RedBook.Mall.Api.Apis;

/// <summary>Domain values to <c>mall.v1</c> messages.</summary>
internal static class MallMappings
{
    public static V1.Product ToContract(this Product product, string currency) => new()
    {
        Id = product.Id,
        Name = product.Name,
        Description = product.Description,
        Price = Money(product.PriceMinor, currency),
        Available = product.Available,
        Reserved = product.Reserved,
        Version = product.Version,
        CreatedAt = Timestamp.FromDateTimeOffset(product.CreatedAt),
        UpdatedAt = Timestamp.FromDateTimeOffset(product.UpdatedAt),
    };

    public static V1.Order ToContract(this Order order, string currency)
    {
        var message = new V1.Order
        {
            Id = order.Id,
            UserId = order.UserId,
            IdempotencyKey = order.IdempotencyKey,
            Total = Money(order.TotalMinor, currency),
            State = order.State switch
            {
                OrderState.Placed => V1.OrderState.Placed,
                OrderState.Paid => V1.OrderState.Paid,
                OrderState.Cancelled => V1.OrderState.Cancelled,
                _ => V1.OrderState.Unspecified,
            },
            Version = order.Version,
            PlacedAt = Timestamp.FromDateTimeOffset(order.PlacedAt),
            ReservationExpiresAt = Timestamp.FromDateTimeOffset(order.ReservationExpiresAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(order.UpdatedAt),
            CancelReason = order.CancelReason ?? string.Empty,
        };
        message.Items.AddRange(order.Items.Select(i => new V1.OrderItem { ProductId = i.ProductId, Quantity = i.Quantity, UnitPrice = Money(i.UnitPriceMinor, currency) }));
        return message;
    }

    private static V1.Money Money(long minorUnits, string currency) => new() { CurrencyCode = currency, MinorUnits = minorUnits };
}

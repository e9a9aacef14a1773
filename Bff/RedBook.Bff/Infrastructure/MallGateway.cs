using Google.Protobuf.WellKnownTypes;
using RedBook.Bff.Core.Mall;
using RedBook.Mall.Contracts.V1;
using MallMoney = RedBook.Mall.Contracts.V1.Money;
using MallOrderLine = RedBook.Mall.Contracts.V1.OrderLine;
using Money = RedBook.Bff.Core.Mall.Money;
using OrderLine = RedBook.Bff.Core.Mall.OrderLine;

namespace RedBook.Bff.Infrastructure;

/// <summary>
/// <see cref="IMallGateway"/> over mall.v1 gRPC, through the RedBook client pipeline
/// (<c>AddRedBookGrpcClient&lt;MallService.MallServiceClient&gt;("mall-api")</c>). <c>PlaceOrder</c> is marked
/// IDEMPOTENT in the .proto, so the pipeline retries it: the idempotency key makes a retry return the first order.
/// </summary>
public sealed class MallGateway(MallService.MallServiceClient client) : IMallGateway
{
    public async Task<ProductPage> ListProductsAsync(int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var response = await client.ListProductsAsync(new ListProductsRequest { PageSize = pageSize, PageToken = pageToken }, cancellationToken: cancellationToken);
        return new ProductPage([.. response.Products.Select(ToView)], response.NextPageToken);
    }

    public async Task<ProductView> GetProductAsync(string productId, CancellationToken cancellationToken) =>
        ToView(await client.GetProductAsync(new GetProductRequest { ProductId = productId }, cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<ProductView>> BatchGetProductsAsync(IReadOnlyList<string> productIds, CancellationToken cancellationToken)
    {
        var request = new BatchGetProductsRequest();
        request.ProductIds.AddRange(productIds);
        var response = await client.BatchGetProductsAsync(request, cancellationToken: cancellationToken);
        return [.. response.Products.Select(ToView)];
    }

    public async Task<PlacedOrder> PlaceOrderAsync(string userId, string idempotencyKey, IReadOnlyList<OrderLine> lines, CancellationToken cancellationToken)
    {
        var request = new PlaceOrderRequest { UserId = userId, IdempotencyKey = idempotencyKey };
        request.Items.AddRange(lines.Select(l => new MallOrderLine { ProductId = l.ProductId, Quantity = l.Quantity }));
        var response = await client.PlaceOrderAsync(request, cancellationToken: cancellationToken);
        return new PlacedOrder(ToView(response.Order), response.Created);
    }

    public async Task<OrderView> GetOrderAsync(string userId, string orderId, CancellationToken cancellationToken) =>
        ToView(await client.GetOrderAsync(new GetOrderRequest { UserId = userId, OrderId = orderId }, cancellationToken: cancellationToken));

    public async Task<OrderPage> ListOrdersAsync(string userId, int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var response = await client.ListOrdersAsync(new ListOrdersRequest { UserId = userId, PageSize = pageSize, PageToken = pageToken }, cancellationToken: cancellationToken);
        return new OrderPage([.. response.Orders.Select(ToView)], response.NextPageToken);
    }

    public async Task<OrderView> PayOrderAsync(string userId, string orderId, long expectedVersion, CancellationToken cancellationToken) =>
        ToView(await client.PayOrderAsync(new PayOrderRequest { UserId = userId, OrderId = orderId, ExpectedVersion = expectedVersion }, cancellationToken: cancellationToken));

    public async Task<OrderView> CancelOrderAsync(string userId, string orderId, long expectedVersion, CancellationToken cancellationToken) =>
        ToView(await client.CancelOrderAsync(new CancelOrderRequest { UserId = userId, OrderId = orderId, ExpectedVersion = expectedVersion }, cancellationToken: cancellationToken));

    private static ProductView ToView(Product product) =>
        new(product.Id, product.Name, product.Description, ToMoney(product.Price), product.Available, product.Version);

    private static OrderView ToView(Order order) => new(
        order.Id,
        order.IdempotencyKey,
        [.. order.Items.Select(i => new OrderItemView(i.ProductId, i.Quantity, ToMoney(i.UnitPrice)))],
        ToMoney(order.Total),
        order.State switch
        {
            OrderState.Placed => "placed",
            OrderState.Paid => "paid",
            OrderState.Cancelled => "cancelled",
            _ => "unspecified",
        },
        order.Version,
        ToTime(order.PlacedAt),
        order.State == OrderState.Placed && order.ReservationExpiresAt is { } expires ? expires.ToDateTimeOffset() : null,
        ToTime(order.UpdatedAt),
        string.IsNullOrEmpty(order.CancelReason) ? null : order.CancelReason);

    private static Money ToMoney(MallMoney? money) => new(money?.CurrencyCode ?? string.Empty, money?.MinorUnits ?? 0);

    private static DateTimeOffset ToTime(Timestamp? timestamp) => timestamp?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch;
}

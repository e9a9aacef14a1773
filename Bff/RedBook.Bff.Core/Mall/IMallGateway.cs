namespace RedBook.Bff.Core.Mall;

/// <summary>
/// The mall service as the BFF uses it (the BFF implements it over mall.v1 gRPC). Failures are
/// <c>RedBookException</c>s with the mall's code and reason.
/// </summary>
public interface IMallGateway
{
    /// <summary>The catalogue, newest first.</summary>
    Task<ProductPage> ListProductsAsync(int pageSize, string pageToken, CancellationToken cancellationToken);

    /// <summary>A product (NOT_FOUND <c>MALL_PRODUCT_NOT_FOUND</c>).</summary>
    Task<ProductView> GetProductAsync(string productId, CancellationToken cancellationToken);

    /// <summary>The products among <paramref name="productIds"/> that exist.</summary>
    Task<IReadOnlyList<ProductView>> BatchGetProductsAsync(IReadOnlyList<string> productIds, CancellationToken cancellationToken);

    /// <summary>Places an order; the same key and lines again return the first order (retried by the pipeline: the key makes it safe).</summary>
    Task<PlacedOrder> PlaceOrderAsync(string userId, string idempotencyKey, IReadOnlyList<OrderLine> lines, CancellationToken cancellationToken);

    /// <summary>One of the user's orders (NOT_FOUND <c>MALL_ORDER_NOT_FOUND</c>, also for someone else's).</summary>
    Task<OrderView> GetOrderAsync(string userId, string orderId, CancellationToken cancellationToken);

    /// <summary>The user's orders.</summary>
    Task<OrderPage> ListOrdersAsync(string userId, int pageSize, string pageToken, CancellationToken cancellationToken);

    /// <summary>Pays a placed order; 0 for <paramref name="expectedVersion"/> skips the version check.</summary>
    Task<OrderView> PayOrderAsync(string userId, string orderId, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Cancels a placed order and releases its stock.</summary>
    Task<OrderView> CancelOrderAsync(string userId, string orderId, long expectedVersion, CancellationToken cancellationToken);
}

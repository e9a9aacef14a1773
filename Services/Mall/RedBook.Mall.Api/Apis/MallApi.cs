using Grpc.Core;
using RedBook.Domain.Paging;
using RedBook.Domain.Validation;
using RedBook.Mall.Core;
using RedBook.Mall.Core.Validation;
using V1 = RedBook.Mall.Contracts.V1;

namespace RedBook.Mall.Api.Apis;

/// <summary>
/// The <c>mall.v1.MallService</c> gRPC service: the edge. Each method turns its request into domain values with the
/// core's rules, answers every violation at once (INVALID_ARGUMENT, reason <c>MALL_INVALID_ARGUMENT</c>) before
/// anything is read or written, calls <see cref="MallService"/>, and maps the result back.
/// </summary>
internal sealed class MallApi(MallService mall) : V1.MallService.MallServiceBase
{
    /// <summary>Most product ids one BatchGetProducts call may ask about.</summary>
    public const int MaxBatchIds = 100;

    private static readonly ProductFieldNames s_productFields = new("name", "description", "price_minor", "initial_stock");

    public override async Task<V1.Product> CreateProduct(V1.CreateProductRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var draft = MallRules.ProductDraft(request.Name, request.Description, request.PriceMinor, request.InitialStock, s_productFields, violations);
        ThrowIfInvalid(violations);
        return (await mall.CreateProductAsync(draft, context.CancellationToken)).ToContract(mall.Currency);
    }

    public override async Task<V1.Product> GetProduct(V1.GetProductRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var productId = CommonRules.EntityId(request.ProductId, "product_id", violations);
        ThrowIfInvalid(violations);
        return (await mall.GetProductAsync(productId, context.CancellationToken)).ToContract(mall.Currency);
    }

    public override async Task<V1.BatchGetProductsResponse> BatchGetProducts(V1.BatchGetProductsRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var ids = new List<string>(request.ProductIds.Count);
        if (request.ProductIds.Count is 0 or > MaxBatchIds)
        {
            violations.Add(new("product_ids", $"must have 1 to {MaxBatchIds} ids; it has {request.ProductIds.Count}."));
        }
        else
        {
            for (var i = 0; i < request.ProductIds.Count; i++)
            {
                ids.Add(CommonRules.EntityId(request.ProductIds[i], $"product_ids[{i}]", violations));
            }
        }

        ThrowIfInvalid(violations);
        var products = await mall.GetProductsAsync(ids.Distinct(StringComparer.Ordinal).ToList(), context.CancellationToken);
        var response = new V1.BatchGetProductsResponse();
        response.Products.AddRange(products.OrderByDescending(p => p.Id, StringComparer.Ordinal).Select(p => p.ToContract(mall.Currency)));
        return response;
    }

    public override async Task<V1.ListProductsResponse> ListProducts(V1.ListProductsRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var page = PageToken.ParseKeyset(request.PageToken, request.PageSize, violations);
        ThrowIfInvalid(violations);
        var products = await mall.ListProductsAsync(page, context.CancellationToken);
        var response = new V1.ListProductsResponse { NextPageToken = products.NextPageToken ?? string.Empty };
        response.Products.AddRange(products.Items.Select(p => p.ToContract(mall.Currency)));
        return response;
    }

    public override async Task<V1.Product> Restock(V1.RestockRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var productId = CommonRules.EntityId(request.ProductId, "product_id", violations);
        var quantity = MallRules.StockQuantity(request.Quantity, 1, "quantity", violations);
        var expected = MallRules.ExpectedVersion(request.ExpectedVersion, violations);
        ThrowIfInvalid(violations);
        return (await mall.RestockAsync(productId, quantity, expected, context.CancellationToken)).ToContract(mall.Currency);
    }

    public override async Task<V1.PlaceOrderResponse> PlaceOrder(V1.PlaceOrderRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var user = CommonRules.UserId(request.UserId, "user_id", violations);
        var key = MallRules.IdempotencyKey(request.IdempotencyKey, violations);
        var lines = MallRules.Lines(request.Items.Select(i => ((string?)i.ProductId, i.Quantity)).ToList(), violations);
        ThrowIfInvalid(violations);
        var (order, created) = await mall.PlaceOrderAsync(user, key, lines, context.CancellationToken);
        return new V1.PlaceOrderResponse { Order = order.ToContract(mall.Currency), Created = created };
    }

    public override async Task<V1.Order> GetOrder(V1.GetOrderRequest request, ServerCallContext context)
    {
        var (orderId, userId, _) = OrderRequest(request.OrderId, request.UserId, 0);
        return (await mall.GetOrderAsync(orderId, userId, context.CancellationToken)).ToContract(mall.Currency);
    }

    public override async Task<V1.ListOrdersResponse> ListOrders(V1.ListOrdersRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var user = CommonRules.UserId(request.UserId, "user_id", violations);
        var page = PageToken.ParseKeyset(request.PageToken, request.PageSize, violations);
        ThrowIfInvalid(violations);
        var orders = await mall.ListOrdersAsync(user, page, context.CancellationToken);
        var response = new V1.ListOrdersResponse { NextPageToken = orders.NextPageToken ?? string.Empty };
        response.Orders.AddRange(orders.Items.Select(o => o.ToContract(mall.Currency)));
        return response;
    }

    public override async Task<V1.Order> PayOrder(V1.PayOrderRequest request, ServerCallContext context)
    {
        var (orderId, userId, expected) = OrderRequest(request.OrderId, request.UserId, request.ExpectedVersion);
        return (await mall.PayOrderAsync(orderId, userId, expected, context.CancellationToken)).ToContract(mall.Currency);
    }

    public override async Task<V1.Order> CancelOrder(V1.CancelOrderRequest request, ServerCallContext context)
    {
        var (orderId, userId, expected) = OrderRequest(request.OrderId, request.UserId, request.ExpectedVersion);
        return (await mall.CancelOrderAsync(orderId, userId, expected, context.CancellationToken)).ToContract(mall.Currency);
    }

    private static (string OrderId, string UserId, long ExpectedVersion) OrderRequest(string orderId, string userId, long expectedVersion)
    {
        var violations = new List<FieldViolation>();
        var order = CommonRules.EntityId(orderId, "order_id", violations);
        var user = CommonRules.UserId(userId, "user_id", violations);
        var expected = MallRules.ExpectedVersion(expectedVersion, violations);
        ThrowIfInvalid(violations);
        return (order, user, expected);
    }

    private static void ThrowIfInvalid(List<FieldViolation> violations) => MallErrors.ThrowIfInvalid(violations);
}

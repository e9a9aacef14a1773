using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using RedBook.Bff.Core.Composition;
using RedBook.Bff.Core.Mall;
using RedBook.Bff.Core.Validation;
using RedBook.Bff.Identity;
using RedBook.Bff.Quota;

namespace RedBook.Bff.Apis;

/// <summary>The mall's HTTP API: the catalogue and the user's orders.</summary>
public static class MallApi
{
    /// <summary>The header of an order's idempotency key (sent by the app, else generated, and always answered).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Maps the mall endpoints under <c>/api</c>.</summary>
    public static IEndpointRouteBuilder MapMallApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api").WithBffConventions().WithTags("Mall");

        api.MapGet("/products", ListProductsAsync)
            .WithName("ListProducts")
            .WithSummary("A page of the catalogue, newest first.");
        api.MapGet("/products/{productId}", GetProductAsync)
            .WithName("GetProduct")
            .WithSummary("A product.");
        api.MapPost("/orders", PlaceOrderAsync)
            .WithName("PlaceOrder")
            .WithSummary("Places an order. Send an Idempotency-Key (a new UUID per order, the same on retries); without one the BFF generates it. Limited by a per-user quota (429 with Retry-After).")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapGet("/orders", ListOrdersAsync)
            .WithName("ListOrders")
            .WithSummary("The user's orders, newest first.");
        api.MapGet("/orders/{orderId}", GetOrderAsync)
            .WithName("GetOrder")
            .WithSummary("One of the user's orders.");
        api.MapPost("/orders/{orderId}/pay", PayOrderAsync)
            .WithName("PayOrder")
            .WithSummary("Pays a placed order (paying twice returns the paid order).");
        api.MapPost("/orders/{orderId}/cancel", CancelOrderAsync)
            .WithName("CancelOrder")
            .WithSummary("Cancels a placed order and releases its stock.");
        return app;
    }

    internal static async Task<Ok<Listing<ProductView>>> ListProductsAsync(int? pageSize, string? pageToken, CatalogComposer composer, CancellationToken cancellationToken)
    {
        var validation = new BffValidation();
        var size = validation.PageSize(pageSize);
        var token = validation.PageToken(pageToken);
        validation.ThrowIfInvalid();
        return TypedResults.Ok(await composer.ListAsync(size, token, cancellationToken));
    }

    internal static async Task<Ok<ProductView>> GetProductAsync(string productId, IMallGateway mall, CancellationToken cancellationToken)
    {
        var validation = new BffValidation();
        var id = validation.EntityId(productId, nameof(productId));
        validation.ThrowIfInvalid();
        return TypedResults.Ok(await mall.GetProductAsync(id, cancellationToken));
    }

    internal static async Task<Results<Created<PlacedOrder>, Ok<PlacedOrder>>> PlaceOrderAsync(
        BffUser user,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        PlaceOrderRequest request,
        IMallGateway mall,
        OrderQuota quota,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var validation = new BffValidation();
        var key = idempotencyKey is null ? Guid.CreateVersion7().ToString("N") : validation.IdempotencyKey(idempotencyKey, IdempotencyKeyHeader);
        var lines = new List<OrderLine>();
        if (request.Items is not { Count: > 0 } items)
        {
            validation.Add("items", "items must have 1 to 20 lines.");
        }
        else if (items.Count > 20)
        {
            validation.Add("items", $"items must have at most 20 lines; it has {items.Count}.");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
            {
                var product = validation.EntityId(items[i]?.ProductId, $"items[{i}].productId");
                var quantity = items[i]?.Quantity ?? 0;
                validation.Require(quantity is >= 1 and <= 100, $"items[{i}].quantity", "quantity must be between 1 and 100.");
                validation.Require(product.Length == 0 || seen.Add(product), $"items[{i}].productId", "productId appears in an earlier line; order each product once.");
                lines.Add(new OrderLine(product, quantity));
            }
        }

        validation.ThrowIfInvalid();
        quota.Acquire(user.Id);
        var placed = await mall.PlaceOrderAsync(user.Id, key, lines, cancellationToken);
        context.Response.Headers[IdempotencyKeyHeader] = key;
        return placed.Created
            ? TypedResults.Created($"/api/orders/{placed.Order.Id}", placed)
            : TypedResults.Ok(placed);
    }

    internal static async Task<Ok<OrderPage>> ListOrdersAsync(BffUser user, int? pageSize, string? pageToken, IMallGateway mall, CancellationToken cancellationToken)
    {
        var validation = new BffValidation();
        var size = validation.PageSize(pageSize);
        var token = validation.PageToken(pageToken);
        validation.ThrowIfInvalid();
        return TypedResults.Ok(await mall.ListOrdersAsync(user.Id, size, token, cancellationToken));
    }

    internal static async Task<Ok<OrderView>> GetOrderAsync(BffUser user, string orderId, IMallGateway mall, CancellationToken cancellationToken)
    {
        var (id, _) = OrderRequest(orderId, expectedVersion: null);
        return TypedResults.Ok(await mall.GetOrderAsync(user.Id, id, cancellationToken));
    }

    internal static async Task<Ok<OrderView>> PayOrderAsync(BffUser user, string orderId, long? expectedVersion, IMallGateway mall, CancellationToken cancellationToken)
    {
        var (id, version) = OrderRequest(orderId, expectedVersion);
        return TypedResults.Ok(await mall.PayOrderAsync(user.Id, id, version, cancellationToken));
    }

    internal static async Task<Ok<OrderView>> CancelOrderAsync(BffUser user, string orderId, long? expectedVersion, IMallGateway mall, CancellationToken cancellationToken)
    {
        var (id, version) = OrderRequest(orderId, expectedVersion);
        return TypedResults.Ok(await mall.CancelOrderAsync(user.Id, id, version, cancellationToken));
    }

    private static (string OrderId, long ExpectedVersion) OrderRequest(string orderId, long? expectedVersion)
    {
        var validation = new BffValidation();
        var id = validation.EntityId(orderId, nameof(orderId));
        validation.Require(expectedVersion is null or >= 1, nameof(expectedVersion), "expectedVersion must be the order's version (1 or more); leave it out to skip the check.");
        validation.ThrowIfInvalid();
        return (id, expectedVersion ?? 0);
    }
}

/// <summary>An order to place.</summary>
/// <param name="Items">1 to 20 lines, each product once.</param>
public sealed record PlaceOrderRequest(IReadOnlyList<OrderLineRequest?>? Items);

/// <summary>One line of an order.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="Quantity">1 to 100.</param>
public sealed record OrderLineRequest(string? ProductId, int? Quantity);

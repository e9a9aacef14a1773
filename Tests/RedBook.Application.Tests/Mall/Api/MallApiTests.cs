extern alias MallApi;

using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RedBook.Application.Tests.Support;
using RedBook.Mall.Contracts.V1;
using static RedBook.Application.Tests.Support.GrpcAssert;
using CoreMallService = RedBook.Mall.Core.MallService;
using IMallStore = RedBook.Mall.Core.IMallStore;
using MallErrorReasons = RedBook.Mall.Core.MallErrorReasons;
using MallOptions = RedBook.Mall.Core.MallOptions;

namespace RedBook.Application.Tests.Mall.Api;

/// <summary>
/// The mall.v1 service in-process (its real Program with SQLite), called with the generated client: every validation
/// case, idempotent orders, version conflicts, stock errors and reservation expiry.
/// </summary>
public sealed class MallApiTests : IDisposable
{
    private const string Invalid = MallErrorReasons.InvalidArgument;
    private static readonly string s_unknownId = Guid.CreateVersion7().ToString("N");

    // The mall's own clock, to expire reservations without waiting; the service defaults keep the real one.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly GrpcServiceHost<MallApi::Program> _host;
    private readonly MallService.MallServiceClient _client;

    public MallApiTests()
    {
        _host = new GrpcServiceHost<MallApi::Program>(
            new Dictionary<string, string?>
            {
                ["RedBook:Mall:ReservationTtl"] = "00:10:00",
                // The mall's clock is this test's fake one and the job's is the real one: the test releases by hand.
                ["RedBook:Jobs:reservations:Enabled"] = "false",
            },
            services => services.AddSingleton(sp => new CoreMallService(sp.GetRequiredService<IMallStore>(), sp.GetRequiredService<IOptionsMonitor<MallOptions>>(), _time)));
        _client = new MallService.MallServiceClient(_host.CreateChannel());
    }

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task CreateProduct_Invalid_AnswersEveryViolation_AndWritesNothing()
    {
        await InvalidAsync(Invalid, () => _client.CreateProductAsync(new CreateProductRequest { Name = "", Description = new string('d', 2001), PriceMinor = 0, InitialStock = -1 }).ResponseAsync,
            "name", "description", "price_minor", "initial_stock");
        await InvalidAsync(Invalid, () => _client.CreateProductAsync(new CreateProductRequest { Name = new string('n', 101), PriceMinor = -5, InitialStock = 1_000_001 }).ResponseAsync,
            "name", "price_minor", "initial_stock");

        Assert.Empty((await _client.ListProductsAsync(new ListProductsRequest())).Products);
    }

    [Fact]
    public async Task CreateProduct_ThenGet_PricesInMinorUnitsOfTheCurrency()
    {
        var product = await ProductAsync(stock: 3, price: 12_900);

        var read = await _client.GetProductAsync(new GetProductRequest { ProductId = product.Id });

        Assert.Equal(("CNY", 12_900L, 3, 0, 1L), (read.Price.CurrencyCode, read.Price.MinorUnits, read.Available, read.Reserved, read.Version));
    }

    [Fact]
    public async Task Products_MalformedOrUnknownIds_AreInvalidOrNotFound()
    {
        await InvalidAsync(Invalid, () => _client.GetProductAsync(new GetProductRequest { ProductId = "sku-1" }).ResponseAsync, "product_id");
        await FailsAsync(StatusCode.NotFound, MallErrorReasons.ProductNotFound, () => _client.GetProductAsync(new GetProductRequest { ProductId = s_unknownId }).ResponseAsync);
        await InvalidAsync(Invalid, () => _client.BatchGetProductsAsync(new BatchGetProductsRequest()).ResponseAsync, "product_ids");
        await InvalidAsync(Invalid, () => _client.BatchGetProductsAsync(new BatchGetProductsRequest { ProductIds = { Enumerable.Repeat(s_unknownId, 101) } }).ResponseAsync, "product_ids");
        await InvalidAsync(Invalid, () => _client.BatchGetProductsAsync(new BatchGetProductsRequest { ProductIds = { s_unknownId, "x" } }).ResponseAsync, "product_ids[1]");
        await InvalidAsync(Invalid, () => _client.ListProductsAsync(new ListProductsRequest { PageToken = "###" }).ResponseAsync, "page_token");
        await InvalidAsync(Invalid, () => _client.ListOrdersAsync(new ListOrdersRequest { UserId = "alice", PageSize = -1 }).ResponseAsync, "page_size");
    }

    [Fact]
    public async Task BatchGetProducts_LeavesUnknownIdsOut_AndListProductsPages()
    {
        var a = await ProductAsync(stock: 1);
        var b = await ProductAsync(stock: 1);

        var batch = await _client.BatchGetProductsAsync(new BatchGetProductsRequest { ProductIds = { a.Id, s_unknownId, b.Id, a.Id } });
        var first = await _client.ListProductsAsync(new ListProductsRequest { PageSize = 1 });
        var second = await _client.ListProductsAsync(new ListProductsRequest { PageSize = 1, PageToken = first.NextPageToken });

        Assert.Equal([b.Id, a.Id], batch.Products.Select(p => p.Id));
        Assert.Equal([b.Id, a.Id], first.Products.Concat(second.Products).Select(p => p.Id));
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task Restock_AddsStock_RefusesStaleVersionsAndBadQuantities()
    {
        var product = await ProductAsync(stock: 1);

        var restocked = await _client.RestockAsync(new RestockRequest { ProductId = product.Id, Quantity = 4, ExpectedVersion = 1 });
        await FailsAsync(StatusCode.Aborted, MallErrorReasons.VersionConflict, () => _client.RestockAsync(new RestockRequest { ProductId = product.Id, Quantity = 1, ExpectedVersion = 1 }).ResponseAsync);
        await InvalidAsync(Invalid, () => _client.RestockAsync(new RestockRequest { ProductId = product.Id, Quantity = 0, ExpectedVersion = -1 }).ResponseAsync, "quantity", "expected_version");
        await InvalidAsync(Invalid, () => _client.RestockAsync(new RestockRequest { ProductId = product.Id, Quantity = -3 }).ResponseAsync, "quantity");
        await FailsAsync(StatusCode.NotFound, MallErrorReasons.ProductNotFound, () => _client.RestockAsync(new RestockRequest { ProductId = s_unknownId, Quantity = 1 }).ResponseAsync);

        Assert.Equal((5, 2L), (restocked.Available, restocked.Version));
        Assert.Equal(5, (await _client.GetProductAsync(new GetProductRequest { ProductId = product.Id })).Available);
    }

    [Fact]
    public async Task PlaceOrder_Invalid_AnswersEveryViolation_AndReservesNothing()
    {
        var product = await ProductAsync(stock: 5);
        var request = new PlaceOrderRequest { UserId = "alice", IdempotencyKey = "short" };
        request.Items.Add(new OrderLine { ProductId = product.Id, Quantity = 0 });
        request.Items.Add(new OrderLine { ProductId = "nope", Quantity = 1 });
        request.Items.Add(new OrderLine { ProductId = product.Id, Quantity = -2 });

        await InvalidAsync(Invalid, () => _client.PlaceOrderAsync(request).ResponseAsync, "idempotency_key", "items[0].quantity", "items[1].product_id", "items[2].quantity");
        await InvalidAsync(Invalid, () => _client.PlaceOrderAsync(new PlaceOrderRequest { UserId = "", IdempotencyKey = "good-key-123" }).ResponseAsync, "user_id", "items");
        var duplicate = new PlaceOrderRequest { UserId = "alice", IdempotencyKey = "good-key-123", Items = { new OrderLine { ProductId = product.Id, Quantity = 1 }, new OrderLine { ProductId = product.Id, Quantity = 1 } } };
        await InvalidAsync(Invalid, () => _client.PlaceOrderAsync(duplicate).ResponseAsync, "items[1].product_id");

        Assert.Equal(5, (await _client.GetProductAsync(new GetProductRequest { ProductId = product.Id })).Available);
        Assert.Empty((await _client.ListOrdersAsync(new ListOrdersRequest { UserId = "alice" })).Orders);
    }

    [Fact]
    public async Task PlaceOrder_Retried_ReturnsTheSameOrder_AndReusedKeyWithOtherItemsIsRefused()
    {
        var product = await ProductAsync(stock: 5, price: 990);
        var request = Order("alice", "checkout-7f3a9c", product.Id, 2);

        var first = await _client.PlaceOrderAsync(request);
        var retry = await _client.PlaceOrderAsync(request);

        Assert.True(first.Created);
        Assert.False(retry.Created);
        Assert.Equal(first.Order.Id, retry.Order.Id);
        Assert.Equal((OrderState.Placed, 1_980L, "CNY"), (first.Order.State, first.Order.Total.MinorUnits, first.Order.Total.CurrencyCode));
        Assert.Equal((3, 2), await StockAsync(product.Id));
        await FailsAsync(StatusCode.FailedPrecondition, MallErrorReasons.IdempotencyKeyReused, () => _client.PlaceOrderAsync(Order("alice", "checkout-7f3a9c", product.Id, 3)).ResponseAsync);
    }

    [Fact]
    public async Task PlaceOrder_ShortStockOrUnknownProduct_IsRefusedWithoutAPartialWrite()
    {
        var product = await ProductAsync(stock: 2);

        await FailsAsync(StatusCode.FailedPrecondition, MallErrorReasons.OutOfStock, () => _client.PlaceOrderAsync(Order("alice", "checkout-short-1", product.Id, 3)).ResponseAsync);
        var mixed = Order("alice", "checkout-mixed-1", product.Id, 1);
        mixed.Items.Add(new OrderLine { ProductId = s_unknownId, Quantity = 1 });
        var status = await FailsAsync(StatusCode.NotFound, MallErrorReasons.ProductNotFound, () => _client.PlaceOrderAsync(mixed).ResponseAsync);

        Assert.Equal("items[1].product_id", status.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata["field"]);
        Assert.Equal((2, 0), await StockAsync(product.Id));
    }

    [Fact]
    public async Task PayAndCancel_FollowTheStates_WithVersionsChecked()
    {
        var product = await ProductAsync(stock: 10);
        var paidOrder = (await _client.PlaceOrderAsync(Order("alice", "checkout-pay-01", product.Id, 2))).Order;
        var cancelledOrder = (await _client.PlaceOrderAsync(Order("alice", "checkout-cxl-01", product.Id, 3))).Order;

        await FailsAsync(StatusCode.Aborted, MallErrorReasons.VersionConflict, () => _client.PayOrderAsync(new PayOrderRequest { OrderId = paidOrder.Id, UserId = "alice", ExpectedVersion = 9 }).ResponseAsync);
        var paid = await _client.PayOrderAsync(new PayOrderRequest { OrderId = paidOrder.Id, UserId = "alice", ExpectedVersion = paidOrder.Version });
        var paidAgain = await _client.PayOrderAsync(new PayOrderRequest { OrderId = paidOrder.Id, UserId = "alice" });
        var cancelled = await _client.CancelOrderAsync(new CancelOrderRequest { OrderId = cancelledOrder.Id, UserId = "alice" });

        Assert.Equal((OrderState.Paid, 2L), (paid.State, paid.Version));
        Assert.Equal(paid.Version, paidAgain.Version);
        Assert.Equal((OrderState.Cancelled, "user"), (cancelled.State, cancelled.CancelReason));
        Assert.Equal((8, 0), await StockAsync(product.Id));
        await FailsAsync(StatusCode.FailedPrecondition, MallErrorReasons.OrderStateConflict, () => _client.CancelOrderAsync(new CancelOrderRequest { OrderId = paidOrder.Id, UserId = "alice" }).ResponseAsync);
        await FailsAsync(StatusCode.FailedPrecondition, MallErrorReasons.OrderStateConflict, () => _client.PayOrderAsync(new PayOrderRequest { OrderId = cancelledOrder.Id, UserId = "alice" }).ResponseAsync);
    }

    [Fact]
    public async Task Orders_MalformedUnknownOrSomeoneElses_AreInvalidOrNotFound()
    {
        var product = await ProductAsync(stock: 10);
        var order = (await _client.PlaceOrderAsync(Order("alice", "checkout-own-01", product.Id, 1))).Order;

        await InvalidAsync(Invalid, () => _client.GetOrderAsync(new GetOrderRequest { OrderId = "o-1", UserId = "alice" }).ResponseAsync, "order_id");
        await InvalidAsync(Invalid, () => _client.PayOrderAsync(new PayOrderRequest { OrderId = order.Id, UserId = "a b", ExpectedVersion = -1 }).ResponseAsync, "user_id", "expected_version");
        await InvalidAsync(Invalid, () => _client.CancelOrderAsync(new CancelOrderRequest { OrderId = "", UserId = "alice" }).ResponseAsync, "order_id");
        await FailsAsync(StatusCode.NotFound, MallErrorReasons.OrderNotFound, () => _client.GetOrderAsync(new GetOrderRequest { OrderId = s_unknownId, UserId = "alice" }).ResponseAsync);
        await FailsAsync(StatusCode.NotFound, MallErrorReasons.OrderNotFound, () => _client.GetOrderAsync(new GetOrderRequest { OrderId = order.Id, UserId = "mallory" }).ResponseAsync);
        await FailsAsync(StatusCode.NotFound, MallErrorReasons.OrderNotFound, () => _client.CancelOrderAsync(new CancelOrderRequest { OrderId = order.Id, UserId = "mallory" }).ResponseAsync);
        Assert.Equal(OrderState.Placed, (await _client.GetOrderAsync(new GetOrderRequest { OrderId = order.Id, UserId = "alice" })).State);
    }

    [Fact]
    public async Task ReservationExpiry_PayIsRefused_AndTheReleaseJobReturnsTheStock()
    {
        var product = await ProductAsync(stock: 10);
        var order = (await _client.PlaceOrderAsync(Order("alice", "checkout-exp-01", product.Id, 4))).Order;
        _time.Advance(TimeSpan.FromMinutes(10));

        await FailsAsync(StatusCode.FailedPrecondition, MallErrorReasons.ReservationExpired, () => _client.PayOrderAsync(new PayOrderRequest { OrderId = order.Id, UserId = "alice" }).ResponseAsync);
        var released = await _host.Services.GetRequiredService<CoreMallService>().ReleaseExpiredReservationsAsync(_time.GetUtcNow(), 100, CancellationToken.None);

        Assert.Equal(1, released);
        var read = await _client.GetOrderAsync(new GetOrderRequest { OrderId = order.Id, UserId = "alice" });
        Assert.Equal((OrderState.Cancelled, "expired"), (read.State, read.CancelReason));
        Assert.Equal((10, 0), await StockAsync(product.Id));
    }

    [Fact]
    public async Task ListOrders_PagesTheUsersOrders_NewestFirst()
    {
        var product = await ProductAsync(stock: 10);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            ids.Add((await _client.PlaceOrderAsync(Order("alice", $"checkout-list-{i}", product.Id, 1))).Order.Id);
        }

        var first = await _client.ListOrdersAsync(new ListOrdersRequest { UserId = "alice", PageSize = 2 });
        var second = await _client.ListOrdersAsync(new ListOrdersRequest { UserId = "alice", PageSize = 2, PageToken = first.NextPageToken });

        Assert.Equal(Enumerable.Reverse(ids), first.Orders.Concat(second.Orders).Select(o => o.Id));
        Assert.Empty((await _client.ListOrdersAsync(new ListOrdersRequest { UserId = "bob" })).Orders);
    }

    private async Task<Product> ProductAsync(int stock, long price = 12_900)
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        return await _client.CreateProductAsync(new CreateProductRequest { Name = "Lipstick", Description = "Red", PriceMinor = price, InitialStock = stock });
    }

    private static PlaceOrderRequest Order(string user, string key, string productId, int quantity) =>
        new() { UserId = user, IdempotencyKey = key, Items = { new OrderLine { ProductId = productId, Quantity = quantity } } };

    private async Task<(int Available, int Reserved)> StockAsync(string productId)
    {
        var product = await _client.GetProductAsync(new GetProductRequest { ProductId = productId });
        return (product.Available, product.Reserved);
    }
}

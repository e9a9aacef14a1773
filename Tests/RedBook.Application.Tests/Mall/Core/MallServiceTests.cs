using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using RedBook.Application.Tests.Support;
using RedBook.Domain.Paging;
using RedBook.Mall.Core;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Core.Events;
using RedBook.Mall.Core.Ordering;
using RedBook.Mall.Infrastructure.Sqlite;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Application.Tests.Mall.Core;

/// <summary>The mall's use cases on a SQLite store, the clock driven by hand.</summary>
public sealed class MallServiceTests : IAsyncLifetime, IDisposable
{
    private readonly TempSqliteFile _file = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly SqliteMallStore _store;
    private readonly MallService _mall;

    public MallServiceTests()
    {
        _store = new SqliteMallStore(_file.ConnectionString);
        _mall = new MallService(_store, new StaticOptionsMonitor<MallOptions>(new MallOptions { ReservationTtl = TimeSpan.FromMinutes(15) }), _time);
    }

    public Task InitializeAsync() => _store.InitializeAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task PlaceOrderAsync_ReservesStock_PricesInMinorUnits_AndExpiresAfterTheTtl()
    {
        var product = await ProductAsync(stock: 10, price: 1_990);

        var (order, created) = await _mall.PlaceOrderAsync("alice", "order-key-1", [new(product.Id, 3)], CancellationToken.None);

        Assert.True(created);
        Assert.Equal(5_970, order.TotalMinor);
        Assert.Equal(_time.GetUtcNow().AddMinutes(15), order.ReservationExpiresAt);
        var stocked = await _mall.GetProductAsync(product.Id, CancellationToken.None);
        Assert.Equal((7, 3, 2L), (stocked.Available, stocked.Reserved, stocked.Version));
    }

    [Fact]
    public async Task PlaceOrderAsync_RetriedWithTheSameKey_ReturnsTheFirstOrder_AndReservesOnce()
    {
        var product = await ProductAsync(stock: 10);
        var (first, _) = await _mall.PlaceOrderAsync("alice", "order-key-2", [new(product.Id, 2)], CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));

        var (retry, created) = await _mall.PlaceOrderAsync("alice", "order-key-2", [new(product.Id, 2)], CancellationToken.None);

        Assert.False(created);
        Assert.Equal(first.Id, retry.Id);
        Assert.Equal(8, (await _mall.GetProductAsync(product.Id, CancellationToken.None)).Available);
        Assert.Single((await _mall.ListOrdersAsync("alice", PageRequest.First, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task PlaceOrderAsync_ConcurrentRetriesWithTheSameKey_PlaceOneOrder()
    {
        var product = await ProductAsync(stock: 100);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _mall.PlaceOrderAsync("alice", "order-key-3", [new(product.Id, 1)], CancellationToken.None))));

        Assert.Single(results.Select(r => r.Order.Id).Distinct());
        Assert.Single(results, r => r.Created);
        Assert.Equal(99, (await _mall.GetProductAsync(product.Id, CancellationToken.None)).Available);
    }

    [Fact]
    public async Task PlaceOrderAsync_SameKeyOtherItems_IsIdempotencyKeyReused()
    {
        var product = await ProductAsync(stock: 10);
        await _mall.PlaceOrderAsync("alice", "order-key-4", [new(product.Id, 1)], CancellationToken.None);

        var error = await Assert.ThrowsAsync<RedBookException>(() => _mall.PlaceOrderAsync("alice", "order-key-4", [new(product.Id, 2)], CancellationToken.None));

        Assert.Equal((ErrorCode.FailedPrecondition, MallErrorReasons.IdempotencyKeyReused), (error.Error.Code, error.Error.Reason));
    }

    [Fact]
    public async Task PlaceOrderAsync_ShortStockOrUnknownProduct_FailsAndWritesNothing()
    {
        var product = await ProductAsync(stock: 2);
        var outbox = (await _store.GetUnsentAsync(100, CancellationToken.None)).Count;

        var shortStock = await Assert.ThrowsAsync<RedBookException>(() => _mall.PlaceOrderAsync("alice", "order-key-5", [new(product.Id, 3)], CancellationToken.None));
        var unknown = await Assert.ThrowsAsync<RedBookException>(() => _mall.PlaceOrderAsync("alice", "order-key-6", [new(product.Id, 1), new(Guid.CreateVersion7().ToString("N"), 1)], CancellationToken.None));

        Assert.Equal((ErrorCode.FailedPrecondition, MallErrorReasons.OutOfStock, "items[0].quantity"), (shortStock.Error.Code, shortStock.Error.Reason, shortStock.Error.Metadata["field"]));
        Assert.Equal((ErrorCode.NotFound, MallErrorReasons.ProductNotFound, "items[1].product_id"), (unknown.Error.Code, unknown.Error.Reason, unknown.Error.Metadata["field"]));
        Assert.Equal(2, (await _mall.GetProductAsync(product.Id, CancellationToken.None)).Available);
        Assert.Equal(outbox, (await _store.GetUnsentAsync(100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task PlaceOrderAsync_TwoBuyersForTheLastUnit_OneGetsIt()
    {
        var product = await ProductAsync(stock: 1);

        var attempts = await Task.WhenAll(new[] { "alice", "bob" }.Select(user => Task.Run(async () =>
        {
            try
            {
                await _mall.PlaceOrderAsync(user, $"{user}-last-unit", [new(product.Id, 1)], CancellationToken.None);
                return null;
            }
            catch (RedBookException ex)
            {
                return ex.Error.Reason;
            }
        })));

        Assert.Single(attempts, a => a is null);
        Assert.Single(attempts, a => a == MallErrorReasons.OutOfStock);
        var stocked = await _mall.GetProductAsync(product.Id, CancellationToken.None);
        Assert.Equal((0, 1), (stocked.Available, stocked.Reserved));
    }

    [Fact]
    public async Task PayOrderAsync_SellsTheReservedStock_AndIsIdempotent()
    {
        var product = await ProductAsync(stock: 10);
        var (order, _) = await _mall.PlaceOrderAsync("alice", "order-key-7", [new(product.Id, 4)], CancellationToken.None);

        var paid = await _mall.PayOrderAsync(order.Id, "alice", order.Version, CancellationToken.None);
        var again = await _mall.PayOrderAsync(order.Id, "alice", 0, CancellationToken.None);

        Assert.Equal((OrderState.Paid, 2L), (paid.State, paid.Version));
        Assert.Equal(paid.Version, again.Version);
        var stocked = await _mall.GetProductAsync(product.Id, CancellationToken.None);
        Assert.Equal((6, 0), (stocked.Available, stocked.Reserved));
        var cancel = await Assert.ThrowsAsync<RedBookException>(() => _mall.CancelOrderAsync(order.Id, "alice", 0, CancellationToken.None));
        Assert.Equal(MallErrorReasons.OrderStateConflict, cancel.Error.Reason);
    }

    [Fact]
    public async Task CancelOrderAsync_ReleasesTheStock_WithItsEvents()
    {
        var product = await ProductAsync(stock: 10);
        var (order, _) = await _mall.PlaceOrderAsync("alice", "order-key-8", [new(product.Id, 4)], CancellationToken.None);

        var cancelled = await _mall.CancelOrderAsync(order.Id, "alice", 0, CancellationToken.None);

        Assert.Equal((OrderState.Cancelled, CancelReasons.User), (cancelled.State, cancelled.CancelReason));
        var stocked = await _mall.GetProductAsync(product.Id, CancellationToken.None);
        Assert.Equal((10, 0), (stocked.Available, stocked.Reserved));
        var types = (await _store.GetUnsentAsync(100, CancellationToken.None)).Select(m => m.Type).ToList();
        Assert.Equal([MallTopics.StockChangedType, MallTopics.OrderPlacedType, MallTopics.StockChangedType, MallTopics.OrderCancelledType, MallTopics.StockChangedType], types);
        var pay = await Assert.ThrowsAsync<RedBookException>(() => _mall.PayOrderAsync(order.Id, "alice", 0, CancellationToken.None));
        Assert.Equal(MallErrorReasons.OrderStateConflict, pay.Error.Reason);
    }

    [Fact]
    public async Task PayOrderAsync_StaleExpectedVersion_IsVersionConflict()
    {
        var product = await ProductAsync(stock: 10);
        var (order, _) = await _mall.PlaceOrderAsync("alice", "order-key-9", [new(product.Id, 1)], CancellationToken.None);

        var error = await Assert.ThrowsAsync<RedBookException>(() => _mall.PayOrderAsync(order.Id, "alice", order.Version + 1, CancellationToken.None));

        Assert.Equal((ErrorCode.Aborted, MallErrorReasons.VersionConflict), (error.Error.Code, error.Error.Reason));
        Assert.Equal(OrderState.Placed, (await _mall.GetOrderAsync(order.Id, "alice", CancellationToken.None)).State);
    }

    [Fact]
    public async Task PayOrderAsync_AfterTheReservationExpired_IsRefused_AndTheReleaseJobCancelsIt()
    {
        var product = await ProductAsync(stock: 10);
        var (expiring, _) = await _mall.PlaceOrderAsync("alice", "order-key-10", [new(product.Id, 2)], CancellationToken.None);
        var (paidInTime, _) = await _mall.PlaceOrderAsync("bob", "order-key-11", [new(product.Id, 3)], CancellationToken.None);
        await _mall.PayOrderAsync(paidInTime.Id, "bob", 0, CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(15));
        var pay = await Assert.ThrowsAsync<RedBookException>(() => _mall.PayOrderAsync(expiring.Id, "alice", 0, CancellationToken.None));
        var released = await _mall.ReleaseExpiredReservationsAsync(_time.GetUtcNow(), 100, CancellationToken.None);

        Assert.Equal(MallErrorReasons.ReservationExpired, pay.Error.Reason);
        Assert.Equal(1, released);
        var order = await _mall.GetOrderAsync(expiring.Id, "alice", CancellationToken.None);
        Assert.Equal((OrderState.Cancelled, CancelReasons.Expired), (order.State, order.CancelReason));
        var stocked = await _mall.GetProductAsync(product.Id, CancellationToken.None);
        Assert.Equal((7, 0), (stocked.Available, stocked.Reserved));
        Assert.Equal(0, await _mall.ReleaseExpiredReservationsAsync(_time.GetUtcNow(), 100, CancellationToken.None));
    }

    [Fact]
    public async Task RestockAsync_AddsStock_AndRefusesAStaleVersion()
    {
        var product = await ProductAsync(stock: 1);

        var restocked = await _mall.RestockAsync(product.Id, 9, product.Version, CancellationToken.None);
        var stale = await Assert.ThrowsAsync<RedBookException>(() => _mall.RestockAsync(product.Id, 1, product.Version, CancellationToken.None));
        var unknown = await Assert.ThrowsAsync<RedBookException>(() => _mall.RestockAsync(Guid.CreateVersion7().ToString("N"), 1, 0, CancellationToken.None));

        Assert.Equal((10, 2L), (restocked.Available, restocked.Version));
        Assert.Equal(MallErrorReasons.VersionConflict, stale.Error.Reason);
        Assert.Equal(MallErrorReasons.ProductNotFound, unknown.Error.Reason);
    }

    [Fact]
    public async Task GetOrderAsync_SomeoneElsesOrder_IsNotFound()
    {
        var product = await ProductAsync(stock: 10);
        var (order, _) = await _mall.PlaceOrderAsync("alice", "order-key-12", [new(product.Id, 1)], CancellationToken.None);

        var error = await Assert.ThrowsAsync<RedBookException>(() => _mall.GetOrderAsync(order.Id, "mallory", CancellationToken.None));

        Assert.Equal(MallErrorReasons.OrderNotFound, error.Error.Reason);
    }

    [Fact]
    public async Task OrderPlaced_Payload_HasTheContractFields()
    {
        var product = await ProductAsync(stock: 10, price: 500);
        await _mall.PlaceOrderAsync("alice", "order-key-13", [new(product.Id, 2)], CancellationToken.None);

        var placed = (await _store.GetUnsentAsync(100, CancellationToken.None)).Single(m => m.Type == MallTopics.OrderPlacedType);
        using var json = JsonDocument.Parse(placed.Payload);

        Assert.Equal(["orderId", "userId", "items", "total", "placedAt"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var item = json.RootElement.GetProperty("items")[0];
        Assert.Equal(["productId", "quantity", "unitPrice"], item.EnumerateObject().Select(p => p.Name));
        Assert.Equal(500, item.GetProperty("unitPrice").GetInt64());
        Assert.Equal(1000, json.RootElement.GetProperty("total").GetInt64());
        var stock = (await _store.GetUnsentAsync(100, CancellationToken.None)).Last(m => m.Type == MallTopics.StockChangedType);
        using var stockJson = JsonDocument.Parse(stock.Payload);
        Assert.Equal(["productId", "available", "reserved", "changedAt"], stockJson.RootElement.EnumerateObject().Select(p => p.Name));
    }

    private async Task<Product> ProductAsync(int stock, long price = 12_900)
    {
        _time.Advance(TimeSpan.FromMilliseconds(10));
        return await _mall.CreateProductAsync(new ProductDraft("Lipstick", "Red", price, stock), CancellationToken.None);
    }
}

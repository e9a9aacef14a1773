extern alias MallApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RedBook.Application.Tests.Support;
using RedBook.Mall.Core;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Core.Ordering;
using RedBook.Mall.Infrastructure.Sqlite;
using RedBook.ServiceDefaults.Jobs;
using V1 = RedBook.Mall.Contracts.V1;
using ReservationReleaseJob = MallApi::RedBook.Mall.Api.Jobs.ReservationReleaseJob;
using ReservationReleaseOptions = MallApi::RedBook.Mall.Api.Jobs.ReservationReleaseOptions;
using CoreMallService = RedBook.Mall.Core.MallService;
using OrderState = RedBook.Mall.Core.Ordering.OrderState;

namespace RedBook.Application.Tests.Mall.Api.Jobs;

/// <summary>The <c>reservations</c> job: directly on a SQLite store, and as the mall's Program schedules it on its leader.</summary>
public sealed class ReservationReleaseJobTests : IAsyncLifetime, IDisposable
{
    private readonly TempSqliteFile _file = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly SqliteMallStore _store;
    private readonly CoreMallService _mall;

    public ReservationReleaseJobTests()
    {
        _store = new SqliteMallStore(_file.ConnectionString);
        _mall = new CoreMallService(_store, new StaticOptionsMonitor<MallOptions>(new MallOptions { ReservationTtl = TimeSpan.FromMinutes(15) }), _time);
    }

    public Task InitializeAsync() => _store.InitializeAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _file.Dispose();

    private ReservationReleaseJob Job(int batchSize) =>
        new(_mall, new StaticOptionsMonitor<ReservationReleaseOptions>(new ReservationReleaseOptions { BatchSize = batchSize }), _time, NullLogger<ReservationReleaseJob>.Instance);

    private JobContext Context() => new() { Name = ReservationReleaseJob.Name, RunId = "run-1", Term = 1, StartedAt = _time.GetUtcNow() };

    [Fact]
    public async Task RunAsync_MoreExpiredOrdersThanABatch_ReleasesThemAllAndReturnsTheStock()
    {
        var product = await _mall.CreateProductAsync(new ProductDraft("Lipstick", "", 9_900, 10), CancellationToken.None);
        var expired = new List<Order>();
        for (var i = 0; i < 5; i++)
        {
            expired.Add((await _mall.PlaceOrderAsync($"user-{i}", $"key-expired-{i}", [new OrderLine(product.Id, 1)], CancellationToken.None)).Order);
        }

        _time.Advance(TimeSpan.FromMinutes(16));
        var (live, _) = await _mall.PlaceOrderAsync("user-9", "key-live-9", [new OrderLine(product.Id, 2)], CancellationToken.None);

        await Job(batchSize: 2).RunAsync(Context(), CancellationToken.None);

        foreach (var order in expired)
        {
            var read = await _mall.GetOrderAsync(order.Id, order.UserId, CancellationToken.None);
            Assert.Equal((OrderState.Cancelled, "expired"), (read.State, read.CancelReason));
        }

        Assert.Equal(OrderState.Placed, (await _mall.GetOrderAsync(live.Id, live.UserId, CancellationToken.None)).State);
        var stock = await _mall.GetProductAsync(product.Id, CancellationToken.None);
        Assert.Equal((8, 2), (stock.Available, stock.Reserved));
    }

    [Fact]
    public async Task RunAsync_OrderPaidBeforeItExpired_IsLeftAlone()
    {
        var product = await _mall.CreateProductAsync(new ProductDraft("Serum", "", 19_900, 10), CancellationToken.None);
        var (paid, _) = await _mall.PlaceOrderAsync("alice", "key-paid-1", [new OrderLine(product.Id, 3)], CancellationToken.None);
        var (unpaid, _) = await _mall.PlaceOrderAsync("bob", "key-unpaid-1", [new OrderLine(product.Id, 4)], CancellationToken.None);
        await _mall.PayOrderAsync(paid.Id, "alice", 0, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(16));

        await Job(batchSize: 100).RunAsync(Context(), CancellationToken.None);

        Assert.Equal(OrderState.Paid, (await _mall.GetOrderAsync(paid.Id, "alice", CancellationToken.None)).State);
        Assert.Equal(OrderState.Cancelled, (await _mall.GetOrderAsync(unpaid.Id, "bob", CancellationToken.None)).State);
        var stock = await _mall.GetProductAsync(product.Id, CancellationToken.None);
        Assert.Equal((7, 0), (stock.Available, stock.Reserved));
    }

    [Fact]
    public async Task Program_ReservationsExpire_TheElectedInstanceReleasesThemOnSchedule()
    {
        // The whole service on one fake clock: the store's times, the reservation TTL and the job's timers.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        using var host = new GrpcServiceHost<MallApi::Program>(
            new Dictionary<string, string?> { ["RedBook:Mall:ReservationTtl"] = "00:10:00" },
            services => services.AddSingleton<TimeProvider>(time));
        var client = new V1.MallService.MallServiceClient(host.CreateChannel());
        var product = await client.CreateProductAsync(new V1.CreateProductRequest { Name = "Toner", PriceMinor = 5_000, InitialStock = 10 });
        var orders = new List<V1.Order>();
        foreach (var (user, quantity) in new[] { ("alice", 4), ("bob", 3) })
        {
            var request = new V1.PlaceOrderRequest { UserId = user, IdempotencyKey = $"checkout-{user}-1", Items = { new V1.OrderLine { ProductId = product.Id, Quantity = quantity } } };
            orders.Add((await client.PlaceOrderAsync(request)).Order);
        }

        await FakeClock.AdvanceUntilAsync(time, async () =>
        {
            foreach (var order in orders)
            {
                if ((await client.GetOrderAsync(new V1.GetOrderRequest { OrderId = order.Id, UserId = order.UserId })).State != V1.OrderState.Cancelled)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(12), "the reservations job releasing both orders");

        Assert.True(time.GetUtcNow() >= orders[0].ReservationExpiresAt.ToDateTimeOffset(), "released before the reservation expired");
        var stock = await client.GetProductAsync(new V1.GetProductRequest { ProductId = product.Id });
        Assert.Equal((10, 0), (stock.Available, stock.Reserved));
    }
}

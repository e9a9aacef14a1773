using Microsoft.Extensions.Time.Testing;
using RedBook.Domain;
using RedBook.Domain.Paging;
using RedBook.Mall.Core;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Core.Events;
using RedBook.Mall.Core.Ordering;
using RedBook.Messaging.Outbox;

namespace RedBook.Application.Tests.Mall.Infrastructure;

/// <summary>
/// The contract every <see cref="IMallStore"/> passes: idempotent order insert (unique user + key), version conflicts
/// on products and orders, cursor order and stability, outbox atomicity (all of a call's writes or none) and unknown
/// ids. Subclasses supply the store.
/// </summary>
public abstract class MallStoreContractTests : IDisposable
{
    private IMallStore? _store;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    protected abstract IMallStore CreateStore();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private async Task<IMallStore> StoreAsync()
    {
        if (_store is null)
        {
            _store = CreateStore();
            await _store.InitializeAsync(CancellationToken.None);
        }

        return _store;
    }

    [SkippableFact]
    public async Task InitializeAsync_Twice_IsIdempotent()
    {
        var store = await StoreAsync();
        await store.InitializeAsync(CancellationToken.None);
        Assert.NotNull(await store.GetProductAsync((await CreateProductAsync(store, 5)).Id, CancellationToken.None));
    }

    [SkippableFact]
    public async Task CreateProductAsync_ThenGet_ReturnsEveryFieldAndWritesStockChanged()
    {
        var store = await StoreAsync();
        var product = await CreateProductAsync(store, 7);

        var read = await store.GetProductAsync(product.Id, CancellationToken.None);

        Assert.Equal(product, read);
        var message = Assert.Single(await store.GetUnsentAsync(100, CancellationToken.None));
        Assert.Equal((MallTopics.Stock, MallTopics.StockChangedType, product.Id), (message.Topic, message.Type, message.Key));
    }

    [SkippableFact]
    public async Task GetAsync_UnknownIds_ReturnNull()
    {
        var store = await StoreAsync();
        Assert.Null(await store.GetProductAsync(EntityIds.New(Time), CancellationToken.None));
        Assert.Empty(await store.GetProductsAsync([EntityIds.New(Time)], CancellationToken.None));
        Assert.Null(await store.GetOrderAsync(EntityIds.New(Time), CancellationToken.None));
        Assert.Null(await store.GetOrderByIdempotencyKeyAsync("alice", "no-such-key", CancellationToken.None));
    }

    [SkippableFact]
    public async Task UpdateProductAsync_AtTheReadVersion_Replaces_AtAStaleVersion_WritesNothing()
    {
        var store = await StoreAsync();
        var product = await CreateProductAsync(store, 5);
        var restocked = product with { Available = 8, Version = 2 };

        Assert.True(await store.UpdateProductAsync(new StockChange(restocked, 1), MallEvents.StockChanged(restocked, Time), CancellationToken.None));
        var stale = product with { Available = 100, Version = 2 };
        Assert.False(await store.UpdateProductAsync(new StockChange(stale, 1), MallEvents.StockChanged(stale, Time), CancellationToken.None));

        Assert.Equal(restocked, await store.GetProductAsync(product.Id, CancellationToken.None));
        Assert.Equal(2, (await store.GetUnsentAsync(100, CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task PlaceOrderAsync_SameUserAndKeyTwice_SecondIsDuplicateAndWritesNothing()
    {
        var store = await StoreAsync();
        var product = await CreateProductAsync(store, 10);
        var (order, stock, events) = NewOrder("alice", "key-00000001", product, 2);
        Assert.Equal(PlaceOrderOutcome.Placed, await store.PlaceOrderAsync(order, stock, events, CancellationToken.None));
        var outboxAfterFirst = (await store.GetUnsentAsync(100, CancellationToken.None)).Count;

        // A retry computed from the product's new state, with a new order id but the same key.
        var current = (await store.GetProductAsync(product.Id, CancellationToken.None))!;
        var (retry, retryStock, retryEvents) = NewOrder("alice", "key-00000001", current, 2);
        var outcome = await store.PlaceOrderAsync(retry, retryStock, retryEvents, CancellationToken.None);

        Assert.Equal(PlaceOrderOutcome.DuplicateIdempotencyKey, outcome);
        Assert.Null(await store.GetOrderAsync(retry.Id, CancellationToken.None));
        Assert.Equal(order.Id, (await store.GetOrderByIdempotencyKeyAsync("alice", "key-00000001", CancellationToken.None))!.Id);
        Assert.Equal(current, await store.GetProductAsync(product.Id, CancellationToken.None));
        Assert.Equal(outboxAfterFirst, (await store.GetUnsentAsync(100, CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task PlaceOrderAsync_SameKeyForAnotherUser_IsAnotherOrder()
    {
        var store = await StoreAsync();
        var product = await CreateProductAsync(store, 10);
        var (a, aStock, aEvents) = NewOrder("alice", "shared-key-1", product, 1);
        Assert.Equal(PlaceOrderOutcome.Placed, await store.PlaceOrderAsync(a, aStock, aEvents, CancellationToken.None));
        var current = (await store.GetProductAsync(product.Id, CancellationToken.None))!;
        var (b, bStock, bEvents) = NewOrder("bob", "shared-key-1", current, 1);

        Assert.Equal(PlaceOrderOutcome.Placed, await store.PlaceOrderAsync(b, bStock, bEvents, CancellationToken.None));
        Assert.Equal(8, (await store.GetProductAsync(product.Id, CancellationToken.None))!.Available);
    }

    [SkippableFact]
    public async Task PlaceOrderAsync_StaleProductVersion_IsVersionConflictAndWritesNothing()
    {
        var store = await StoreAsync();
        var first = await CreateProductAsync(store, 10);
        var second = await CreateProductAsync(store, 10);
        var outboxBefore = (await store.GetUnsentAsync(100, CancellationToken.None)).Count;
        var order = NewOrderOf("alice", "key-00000002", [(first, 1), (second with { Version = 7 }, 1)]);

        var outcome = await store.PlaceOrderAsync(order.Order, order.Stock, order.Events, CancellationToken.None);

        // The order row and the first product's stock were written before the second product's version failed: all rolled back.
        Assert.Equal(PlaceOrderOutcome.VersionConflict, outcome);
        Assert.Null(await store.GetOrderAsync(order.Order.Id, CancellationToken.None));
        Assert.Null(await store.GetOrderByIdempotencyKeyAsync("alice", "key-00000002", CancellationToken.None));
        Assert.Equal(first, await store.GetProductAsync(first.Id, CancellationToken.None));
        Assert.Equal(outboxBefore, (await store.GetUnsentAsync(100, CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task PlaceOrderAsync_ThenGet_RoundTripsTheOrderAndWritesItsEvents()
    {
        var store = await StoreAsync();
        var product = await CreateProductAsync(store, 10);
        var (order, stock, events) = NewOrder("alice", "key-00000003", product, 3);

        Assert.Equal(PlaceOrderOutcome.Placed, await store.PlaceOrderAsync(order, stock, events, CancellationToken.None));

        var read = await store.GetOrderAsync(order.Id, CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal(order.Items, read.Items);
        Assert.Equal(order with { Items = read.Items }, read);
        Assert.Equal(stock[0].Updated, await store.GetProductAsync(product.Id, CancellationToken.None));
        Assert.Equal([MallTopics.StockChangedType, MallTopics.OrderPlacedType, MallTopics.StockChangedType], (await store.GetUnsentAsync(100, CancellationToken.None)).Select(m => m.Type));
    }

    [SkippableFact]
    public async Task UpdateOrderAsync_StaleOrderVersion_ReturnsFalseAndWritesNothing()
    {
        var store = await StoreAsync();
        var product = await CreateProductAsync(store, 10);
        var (order, stock, events) = NewOrder("alice", "key-00000004", product, 2);
        await store.PlaceOrderAsync(order, stock, events, CancellationToken.None);
        var reserved = (await store.GetProductAsync(product.Id, CancellationToken.None))!;
        var outboxBefore = (await store.GetUnsentAsync(100, CancellationToken.None)).Count;
        var paid = order with { State = OrderState.Paid, Version = 2 };
        var sold = new StockChange(reserved with { Reserved = 0, Version = reserved.Version + 1 }, reserved.Version);

        Assert.False(await store.UpdateOrderAsync(paid, expectedVersion: 5, [sold], [MallEvents.OrderPaid(paid, Time)], CancellationToken.None));

        Assert.Equal(OrderState.Placed, (await store.GetOrderAsync(order.Id, CancellationToken.None))!.State);
        Assert.Equal(reserved, await store.GetProductAsync(product.Id, CancellationToken.None));
        Assert.Equal(outboxBefore, (await store.GetUnsentAsync(100, CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task UpdateOrderAsync_StaleProductVersion_RollsBackTheOrderChange()
    {
        var store = await StoreAsync();
        var product = await CreateProductAsync(store, 10);
        var (order, stock, events) = NewOrder("alice", "key-00000005", product, 2);
        await store.PlaceOrderAsync(order, stock, events, CancellationToken.None);
        var reserved = (await store.GetProductAsync(product.Id, CancellationToken.None))!;
        var cancelled = order with { State = OrderState.Cancelled, Version = 2, CancelReason = CancelReasons.User };
        var staleRelease = new StockChange(reserved with { Reserved = 0, Available = 10, Version = 9 }, 8);

        Assert.False(await store.UpdateOrderAsync(cancelled, expectedVersion: 1, [staleRelease], [MallEvents.OrderCancelled(cancelled, Time)], CancellationToken.None));

        Assert.Equal(order.Version, (await store.GetOrderAsync(order.Id, CancellationToken.None))!.Version);
        Assert.Equal(reserved, await store.GetProductAsync(product.Id, CancellationToken.None));
    }

    [SkippableFact]
    public async Task UpdateOrderAsync_AtTheReadVersions_WritesOrderStockAndEvents()
    {
        var store = await StoreAsync();
        var product = await CreateProductAsync(store, 10);
        var (order, stock, events) = NewOrder("alice", "key-00000006", product, 2);
        await store.PlaceOrderAsync(order, stock, events, CancellationToken.None);
        var reserved = (await store.GetProductAsync(product.Id, CancellationToken.None))!;
        var cancelled = order with { State = OrderState.Cancelled, Version = 2, CancelReason = CancelReasons.Expired };
        var release = new StockChange(reserved with { Reserved = 0, Available = 10, Version = reserved.Version + 1 }, reserved.Version);

        Assert.True(await store.UpdateOrderAsync(cancelled, expectedVersion: 1, [release], [MallEvents.OrderCancelled(cancelled, Time), MallEvents.StockChanged(release.Updated, Time)], CancellationToken.None));

        Assert.Equal(cancelled, (await store.GetOrderAsync(order.Id, CancellationToken.None)) is { } read ? read with { Items = cancelled.Items } : null);
        Assert.Equal(release.Updated, await store.GetProductAsync(product.Id, CancellationToken.None));
        Assert.Equal(MallTopics.OrderCancelledType, (await store.GetUnsentAsync(100, CancellationToken.None))[^2].Type);
    }

    [SkippableFact]
    public async Task ListOrdersAsync_Pages_NewestFirst_OnlyTheUsers_StableUnderInserts()
    {
        var store = await StoreAsync();
        var product = await CreateProductAsync(store, 100);
        var placed = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            placed.Add(await PlaceAsync(store, "alice", $"alice-key-{i:D4}", product.Id));
            await PlaceAsync(store, "bob", $"bob-key-{i:D4}", product.Id);
        }

        var firstPage = await store.ListOrdersAsync("alice", new PageRequest(null, 2), CancellationToken.None);
        await PlaceAsync(store, "alice", "alice-key-late", product.Id);
        var rest = await ReadAllAsync((page, ct) => store.ListOrdersAsync("alice", page, ct), o => o.Id, 2, firstPage[^1].Id);

        Assert.Equal(Enumerable.Reverse(placed), firstPage.Select(o => o.Id).Concat(rest));
    }

    [SkippableFact]
    public async Task ListProductsAsync_Pages_NewestFirst()
    {
        var store = await StoreAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await CreateProductAsync(store, 1)).Id);
        }

        Assert.Equal(Enumerable.Reverse(ids), await ReadAllAsync((page, ct) => store.ListProductsAsync(page, ct), p => p.Id, 2, null));
    }

    [SkippableFact]
    public async Task ListExpiredReservationsAsync_ReturnsPlacedOrdersDueByNow_OldestFirst()
    {
        var store = await StoreAsync();
        var product = await CreateProductAsync(store, 100);
        var early = await PlaceAsync(store, "alice", "expiry-key-1", product.Id, TimeSpan.FromMinutes(5));
        var late = await PlaceAsync(store, "alice", "expiry-key-2", product.Id, TimeSpan.FromMinutes(30));
        var paid = await PlaceAsync(store, "alice", "expiry-key-3", product.Id, TimeSpan.FromMinutes(1));
        var paidOrder = (await store.GetOrderAsync(paid, CancellationToken.None))!;
        await store.UpdateOrderAsync(paidOrder with { State = OrderState.Paid, Version = 2 }, 1, [], [], CancellationToken.None);

        var due = await store.ListExpiredReservationsAsync(Time.GetUtcNow().AddMinutes(10), 10, CancellationToken.None);
        var all = await store.ListExpiredReservationsAsync(Time.GetUtcNow().AddHours(1), 10, CancellationToken.None);

        Assert.Equal([early], due.Select(o => o.Id));
        Assert.Equal([early, late], all.Select(o => o.Id));
        Assert.Single(await store.ListExpiredReservationsAsync(Time.GetUtcNow().AddHours(1), 1, CancellationToken.None));
    }

    private async Task<Product> CreateProductAsync(IMallStore store, int stock)
    {
        Time.Advance(TimeSpan.FromMilliseconds(5));
        var now = DomainClock.Now(Time);
        var product = new Product
        {
            Id = EntityIds.New(Time),
            Name = "Lipstick",
            Description = "Red",
            PriceMinor = 12_900,
            Available = stock,
            Reserved = 0,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.CreateProductAsync(product, MallEvents.StockChanged(product, Time), CancellationToken.None);
        return product;
    }

    private (Order Order, IReadOnlyList<StockChange> Stock, IReadOnlyList<OutboxMessage> Events) NewOrder(string user, string key, Product product, int quantity, TimeSpan? ttl = null) =>
        NewOrderOf(user, key, [(product, quantity)], ttl);

    private (Order Order, IReadOnlyList<StockChange> Stock, IReadOnlyList<OutboxMessage> Events) NewOrderOf(string user, string key, IReadOnlyList<(Product Product, int Quantity)> lines, TimeSpan? ttl = null)
    {
        Time.Advance(TimeSpan.FromMilliseconds(5));
        var now = DomainClock.Now(Time);
        var order = new Order
        {
            Id = EntityIds.New(Time),
            UserId = user,
            IdempotencyKey = key,
            Items = lines.Select(l => new OrderItem(l.Product.Id, l.Quantity, l.Product.PriceMinor)).ToList(),
            TotalMinor = lines.Sum(l => l.Product.PriceMinor * l.Quantity),
            State = OrderState.Placed,
            Version = 1,
            PlacedAt = now,
            ReservationExpiresAt = now + (ttl ?? TimeSpan.FromMinutes(15)),
            UpdatedAt = now,
        };
        var stock = lines.Select(l => new StockChange(
            l.Product with { Available = l.Product.Available - l.Quantity, Reserved = l.Product.Reserved + l.Quantity, Version = l.Product.Version + 1, UpdatedAt = now },
            l.Product.Version)).ToList();
        var events = new List<OutboxMessage> { MallEvents.OrderPlaced(order, Time) };
        events.AddRange(stock.Select(s => MallEvents.StockChanged(s.Updated, Time)));
        return (order, stock, events);
    }

    private async Task<string> PlaceAsync(IMallStore store, string user, string key, string productId, TimeSpan? ttl = null)
    {
        var product = (await store.GetProductAsync(productId, CancellationToken.None))!;
        var (order, stock, events) = NewOrder(user, key, product, 1, ttl);
        Assert.Equal(PlaceOrderOutcome.Placed, await store.PlaceOrderAsync(order, stock, events, CancellationToken.None));
        return order.Id;
    }

    private static async Task<List<string>> ReadAllAsync<T>(Func<PageRequest, CancellationToken, Task<IReadOnlyList<T>>> list, Func<T, string> idOf, int size, string? after)
    {
        var ids = new List<string>();
        for (var guard = 0; guard < 100; guard++)
        {
            var page = await list(new PageRequest(after, size), CancellationToken.None);
            ids.AddRange(page.Select(idOf));
            if (page.Count < size)
            {
                return ids;
            }

            after = idOf(page[^1]);
        }

        throw new InvalidOperationException("The listing did not end.");
    }
}

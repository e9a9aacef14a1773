using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Driver;
using RedBook.Domain.Paging;
using RedBook.Mall.Core;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Core.Ordering;
using RedBook.Messaging.MongoDB;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Relay;
using RedBook.Storage.MongoDB;

namespace RedBook.Mall.Infrastructure.MongoDB;

/// <summary>
/// The mall store on MongoDB (the real driver). Indexes: orders unique (<c>userId, idempotencyKey</c>) — a retried
/// order meets the first one there — (<c>userId, _id desc</c>) for the order history, and a partial
/// (<c>reservationExpiresAt</c>) over placed orders for the release job. Every update filters on the version it
/// read; one call's writes and outbox documents share a multi-document transaction (a replica set is required).
/// </summary>
public sealed class MongoMallStore : IMallStore, IHealthCheck
{
    private readonly IMongoDatabase _database;
    private readonly IMongoCollection<ProductDocument> _products;
    private readonly IMongoCollection<OrderDocument> _orders;
    private readonly MongoOutboxStore _outbox;
    private readonly IOutboxSignal? _outboxSignal;

    /// <summary>Creates the store over <paramref name="database"/>; it wakes the outbox relay through <paramref name="outboxSignal"/> after each commit, when one is given.</summary>
    public MongoMallStore(IMongoDatabase database, IOutboxSignal? outboxSignal = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _products = database.GetCollection<ProductDocument>("products");
        _orders = database.GetCollection<OrderDocument>("orders");
        _outbox = new MongoOutboxStore(database);
        _outboxSignal = outboxSignal;
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await MongoStorage.EnsureCollectionsAsync(_database, ["products", "orders", MongoMessagingSchema.OutboxCollection, MongoMessagingSchema.ProcessedMessagesCollection], cancellationToken).ConfigureAwait(false);

        var keys = Builders<OrderDocument>.IndexKeys;
        await _orders.Indexes.CreateManyAsync(
        [
            new(keys.Ascending(o => o.UserId).Ascending(o => o.IdempotencyKey), new CreateIndexOptions { Name = "ux_userId_idempotencyKey", Unique = true }),
            new(keys.Ascending(o => o.UserId).Descending(o => o.Id), new CreateIndexOptions { Name = "ix_userId_id" }),
            new(keys.Ascending(o => o.ReservationExpiresAt), new CreateIndexOptions<OrderDocument>
            {
                Name = "ix_placed_reservationExpiresAt",
                PartialFilterExpression = Builders<OrderDocument>.Filter.Eq(o => o.State, "placed"),
            }),
        ], cancellationToken).ConfigureAwait(false);
        await MongoMessagingSchema.CreateAsync(_database, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task CreateProductAsync(Product product, OutboxMessage stockChanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(product);
        return InTransactionAsync(async (session, ct) =>
        {
            await _products.InsertOneAsync(session, ProductDocument.From(product), cancellationToken: ct).ConfigureAwait(false);
            await MongoOutbox.AddAsync(session, _database, stockChanged, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Product?> GetProductAsync(string productId, CancellationToken cancellationToken) =>
        (await _products.Find(p => p.Id == productId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false))?.ToProduct();

    /// <inheritdoc />
    public async Task<IReadOnlyList<Product>> GetProductsAsync(IReadOnlyCollection<string> productIds, CancellationToken cancellationToken) =>
        (await _products.Find(Builders<ProductDocument>.Filter.In(p => p.Id, productIds)).ToListAsync(cancellationToken).ConfigureAwait(false)).ConvertAll(d => d.ToProduct());

    /// <inheritdoc />
    public async Task<IReadOnlyList<Product>> ListProductsAsync(PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var filter = page.After is null ? Builders<ProductDocument>.Filter.Empty : Builders<ProductDocument>.Filter.Lt(p => p.Id, page.After);
        return (await _products.Find(filter).Sort(Builders<ProductDocument>.Sort.Descending(p => p.Id)).Limit(page.Size)
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ConvertAll(d => d.ToProduct());
    }

    /// <inheritdoc />
    public Task<bool> UpdateProductAsync(StockChange change, OutboxMessage stockChanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return InTransactionAsync(async (session, ct) =>
        {
            if (!await ReplaceProductAsync(session, change, ct).ConfigureAwait(false))
            {
                return false;
            }

            await MongoOutbox.AddAsync(session, _database, stockChanged, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Order?> GetOrderAsync(string orderId, CancellationToken cancellationToken) =>
        (await _orders.Find(o => o.Id == orderId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false))?.ToOrder();

    /// <inheritdoc />
    public async Task<Order?> GetOrderByIdempotencyKeyAsync(string userId, string idempotencyKey, CancellationToken cancellationToken) =>
        (await _orders.Find(o => o.UserId == userId && o.IdempotencyKey == idempotencyKey).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false))?.ToOrder();

    /// <inheritdoc />
    public async Task<IReadOnlyList<Order>> ListOrdersAsync(string userId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var filter = Builders<OrderDocument>.Filter.Eq(o => o.UserId, userId);
        if (page.After is not null)
        {
            filter &= Builders<OrderDocument>.Filter.Lt(o => o.Id, page.After);
        }

        return (await _orders.Find(filter).Sort(Builders<OrderDocument>.Sort.Descending(o => o.Id)).Limit(page.Size)
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ConvertAll(d => d.ToOrder());
    }

    /// <inheritdoc />
    public async Task<PlaceOrderOutcome> PlaceOrderAsync(Order order, IReadOnlyList<StockChange> stock, IReadOnlyList<OutboxMessage> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(stock);
        ArgumentNullException.ThrowIfNull(events);
        try
        {
            return await InTransactionAsync(async (session, ct) =>
            {
                // The unique (userId, idempotencyKey) index turns a second insert into a duplicate-key error, which
                // aborts the transaction; it is answered below.
                await _orders.InsertOneAsync(session, OrderDocument.From(order), cancellationToken: ct).ConfigureAwait(false);
                await ApplyAsync(session, stock, events, ct).ConfigureAwait(false);
                return PlaceOrderOutcome.Placed;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return PlaceOrderOutcome.DuplicateIdempotencyKey;
        }
        catch (VersionMismatchException)
        {
            return PlaceOrderOutcome.VersionConflict;
        }
    }

    /// <inheritdoc />
    public async Task<bool> UpdateOrderAsync(Order updated, long expectedVersion, IReadOnlyList<StockChange> stock, IReadOnlyList<OutboxMessage> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(stock);
        ArgumentNullException.ThrowIfNull(events);
        try
        {
            return await InTransactionAsync(async (session, ct) =>
            {
                var result = await _orders.ReplaceOneAsync(session, o => o.Id == updated.Id && o.Version == expectedVersion, OrderDocument.From(updated), cancellationToken: ct).ConfigureAwait(false);
                if (result.ModifiedCount == 0)
                {
                    throw new VersionMismatchException();
                }

                await ApplyAsync(session, stock, events, ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (VersionMismatchException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Order>> ListExpiredReservationsAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken) =>
        (await _orders.Find(o => o.State == "placed" && o.ReservationExpiresAt <= now.UtcDateTime)
            .Sort(Builders<OrderDocument>.Sort.Ascending(o => o.ReservationExpiresAt))
            .Limit(maxCount)
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ConvertAll(d => d.ToOrder());

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> GetUnsentAsync(int maxCount, CancellationToken cancellationToken) => _outbox.GetUnsentAsync(maxCount, cancellationToken);

    /// <inheritdoc />
    public Task MarkSentAsync(IReadOnlyCollection<string> ids, DateTimeOffset sentAt, CancellationToken cancellationToken) => _outbox.MarkSentAsync(ids, sentAt, cancellationToken);

    /// <inheritdoc />
    public Task<int> PurgeSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken) => _outbox.PurgeSentAsync(sentBefore, cancellationToken);

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        MongoStorage.CheckHealthAsync(_database, cancellationToken);

    private async Task ApplyAsync(IClientSessionHandle session, IReadOnlyList<StockChange> stock, IReadOnlyList<OutboxMessage> events, CancellationToken cancellationToken)
    {
        foreach (var change in stock)
        {
            if (!await ReplaceProductAsync(session, change, cancellationToken).ConfigureAwait(false))
            {
                throw new VersionMismatchException();
            }
        }

        foreach (var message in events)
        {
            await MongoOutbox.AddAsync(session, _database, message, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> ReplaceProductAsync(IClientSessionHandle session, StockChange change, CancellationToken cancellationToken)
    {
        var result = await _products.ReplaceOneAsync(session, p => p.Id == change.Updated.Id && p.Version == change.ExpectedVersion,
            ProductDocument.From(change.Updated), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.ModifiedCount == 1;
    }

    private Task<T> InTransactionAsync<T>(Func<IClientSessionHandle, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        MongoStorage.InTransactionAsync(_database, work, _outboxSignal is null ? null : _outboxSignal.Notify, cancellationToken);

    /// <summary>Thrown inside a transaction to abort it when a version did not match (WithTransactionAsync aborts on any exception).</summary>
    private sealed class VersionMismatchException : Exception
    {
        public VersionMismatchException()
            : base("A version did not match; the transaction is aborted.")
        {
        }
    }
}

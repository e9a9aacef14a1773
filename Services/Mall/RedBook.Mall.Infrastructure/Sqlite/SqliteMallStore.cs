using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedBook.Domain.Paging;
using RedBook.Mall.Core;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Core.Ordering;
using RedBook.Messaging.Outbox;
using RedBook.Messaging.Relay;
using RedBook.Messaging.Sqlite;
using RedBook.Storage.Sqlite;
using static RedBook.Storage.Sqlite.SqliteDatabase;

namespace RedBook.Mall.Infrastructure.Sqlite;

/// <summary>
/// The mall store on SQLite (Microsoft.Data.Sqlite), for local runs without a container runtime. Orders are unique
/// on (user_id, idempotency_key) by a unique index; products and orders carry a version that every update matches;
/// the outbox shares the database file, so each change and its events commit together.
/// </summary>
public sealed class SqliteMallStore : IMallStore, IHealthCheck
{
    private const string CreateSql = """
        CREATE TABLE IF NOT EXISTS products (
            id          TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            description TEXT NOT NULL,
            price_minor INTEGER NOT NULL,
            available   INTEGER NOT NULL CHECK (available >= 0),
            reserved    INTEGER NOT NULL CHECK (reserved >= 0),
            version     INTEGER NOT NULL,
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS orders (
            id                     TEXT PRIMARY KEY,
            user_id                TEXT NOT NULL,
            idempotency_key        TEXT NOT NULL,
            items                  TEXT NOT NULL,
            total_minor            INTEGER NOT NULL,
            state                  TEXT NOT NULL,
            version                INTEGER NOT NULL,
            placed_at              TEXT NOT NULL,
            reservation_expires_at TEXT NOT NULL,
            updated_at             TEXT NOT NULL,
            cancel_reason          TEXT NULL
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX IF NOT EXISTS ux_orders_user_id_idempotency_key ON orders (user_id, idempotency_key);
        CREATE INDEX IF NOT EXISTS ix_orders_user_id ON orders (user_id, id DESC);
        CREATE INDEX IF NOT EXISTS ix_orders_placed_expiry ON orders (reservation_expires_at) WHERE state = 'placed';
        """;

    private const string ProductColumns = "id, name, description, price_minor, available, reserved, version, created_at, updated_at";
    private const string OrderColumns = "id, user_id, idempotency_key, items, total_minor, state, version, placed_at, reservation_expires_at, updated_at, cancel_reason";

    private readonly SqliteDatabase _database;
    private readonly SqliteOutboxStore _outbox;

    /// <summary>
    /// Creates the store over <paramref name="connectionString"/> (a file path as <c>Data Source</c>); it wakes the
    /// outbox relay through <paramref name="outboxSignal"/> after each commit, when one is given.
    /// </summary>
    public SqliteMallStore(string connectionString, IOutboxSignal? outboxSignal = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _database = new SqliteDatabase(connectionString, outboxSignal is null ? null : outboxSignal.Notify);
        _outbox = new SqliteOutboxStore(connectionString);
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        _database.InitializeAsync(CreateSql, SqliteMessagingSchema.CreateAsync, cancellationToken);

    /// <inheritdoc />
    public Task CreateProductAsync(Product product, OutboxMessage stockChanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(stockChanged);
        return _database.WriteAsync(async tx =>
        {
            await using var insert = Command(tx, $"INSERT INTO products ({ProductColumns}) VALUES ($id, $name, $description, $price, $available, $reserved, $version, $createdAt, $updatedAt);");
            insert.Parameters.AddWithValue("$id", product.Id);
            insert.Parameters.AddWithValue("$name", product.Name);
            insert.Parameters.AddWithValue("$description", product.Description);
            insert.Parameters.AddWithValue("$price", product.PriceMinor);
            insert.Parameters.AddWithValue("$available", product.Available);
            insert.Parameters.AddWithValue("$reserved", product.Reserved);
            insert.Parameters.AddWithValue("$version", product.Version);
            insert.Parameters.AddWithValue("$createdAt", FormatTime(product.CreatedAt));
            insert.Parameters.AddWithValue("$updatedAt", FormatTime(product.UpdatedAt));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await SqliteOutbox.AddAsync(tx, stockChanged, cancellationToken).ConfigureAwait(false);
            return (true, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Product?> GetProductAsync(string productId, CancellationToken cancellationToken) =>
        (await _database.QueryAsync($"SELECT {ProductColumns} FROM products WHERE id = $id;", p => p.AddWithValue("$id", productId), ReadProduct, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public Task<IReadOnlyList<Product>> GetProductsAsync(IReadOnlyCollection<string> productIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        return _database.QueryAsync($"SELECT {ProductColumns} FROM products WHERE id IN (SELECT value FROM json_each($ids));",
            p => p.AddWithValue("$ids", JsonSerializer.Serialize(productIds.ToList(), MallStoreJsonContext.Default.ListString)), ReadProduct, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Product>> ListProductsAsync(PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var after = page.After is null ? string.Empty : "WHERE id < $after";
        return _database.QueryAsync($"SELECT {ProductColumns} FROM products {after} ORDER BY id DESC LIMIT $limit;", p =>
        {
            p.AddWithValue("$after", (object?)page.After ?? DBNull.Value);
            p.AddWithValue("$limit", page.Size);
        }, ReadProduct, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateProductAsync(StockChange change, OutboxMessage stockChanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(stockChanged);
        return _database.WriteAsync(async tx =>
        {
            if (!await UpdateStockAsync(tx, change, cancellationToken).ConfigureAwait(false))
            {
                return (false, false);
            }

            await SqliteOutbox.AddAsync(tx, stockChanged, cancellationToken).ConfigureAwait(false);
            return (true, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Order?> GetOrderAsync(string orderId, CancellationToken cancellationToken) =>
        (await _database.QueryAsync($"SELECT {OrderColumns} FROM orders WHERE id = $id;", p => p.AddWithValue("$id", orderId), ReadOrder, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public async Task<Order?> GetOrderByIdempotencyKeyAsync(string userId, string idempotencyKey, CancellationToken cancellationToken) =>
        (await _database.QueryAsync($"SELECT {OrderColumns} FROM orders WHERE user_id = $user AND idempotency_key = $key;", p =>
        {
            p.AddWithValue("$user", userId);
            p.AddWithValue("$key", idempotencyKey);
        }, ReadOrder, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public Task<IReadOnlyList<Order>> ListOrdersAsync(string userId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var after = page.After is null ? string.Empty : "AND id < $after";
        return _database.QueryAsync($"SELECT {OrderColumns} FROM orders WHERE user_id = $user {after} ORDER BY id DESC LIMIT $limit;", p =>
        {
            p.AddWithValue("$user", userId);
            p.AddWithValue("$after", (object?)page.After ?? DBNull.Value);
            p.AddWithValue("$limit", page.Size);
        }, ReadOrder, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PlaceOrderOutcome> PlaceOrderAsync(Order order, IReadOnlyList<StockChange> stock, IReadOnlyList<OutboxMessage> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(stock);
        ArgumentNullException.ThrowIfNull(events);
        return _database.WriteAsync(async tx =>
        {
            await using (var insert = Command(tx, $"""
                INSERT INTO orders ({OrderColumns})
                VALUES ($id, $user, $key, $items, $total, $state, $version, $placedAt, $expiresAt, $updatedAt, $reason)
                ON CONFLICT (user_id, idempotency_key) DO NOTHING;
                """))
            {
                BindOrder(insert.Parameters, order);
                if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    return (false, PlaceOrderOutcome.DuplicateIdempotencyKey);
                }
            }

            return await ApplyAsync(tx, stock, events, cancellationToken).ConfigureAwait(false)
                ? (true, PlaceOrderOutcome.Placed)
                : (false, PlaceOrderOutcome.VersionConflict);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateOrderAsync(Order updated, long expectedVersion, IReadOnlyList<StockChange> stock, IReadOnlyList<OutboxMessage> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(stock);
        ArgumentNullException.ThrowIfNull(events);
        return _database.WriteAsync(async tx =>
        {
            await using (var update = Command(tx, """
                UPDATE orders SET state = $state, version = $version, updated_at = $updatedAt, cancel_reason = $reason
                WHERE id = $id AND version = $expected;
                """))
            {
                BindOrder(update.Parameters, updated);
                update.Parameters.AddWithValue("$expected", expectedVersion);
                if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    return (false, false);
                }
            }

            var applied = await ApplyAsync(tx, stock, events, cancellationToken).ConfigureAwait(false);
            return (applied, applied);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Order>> ListExpiredReservationsAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken) =>
        _database.QueryAsync($"SELECT {OrderColumns} FROM orders WHERE state = 'placed' AND reservation_expires_at <= $now ORDER BY reservation_expires_at LIMIT $limit;", p =>
        {
            p.AddWithValue("$now", FormatTime(now));
            p.AddWithValue("$limit", maxCount);
        }, ReadOrder, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> GetUnsentAsync(int maxCount, CancellationToken cancellationToken) => _outbox.GetUnsentAsync(maxCount, cancellationToken);

    /// <inheritdoc />
    public Task MarkSentAsync(IReadOnlyCollection<string> ids, DateTimeOffset sentAt, CancellationToken cancellationToken) => _outbox.MarkSentAsync(ids, sentAt, cancellationToken);

    /// <inheritdoc />
    public Task<int> PurgeSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken) => _outbox.PurgeSentAsync(sentBefore, cancellationToken);

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        _database.CheckHealthAsync("orders", cancellationToken);

    private static async Task<bool> ApplyAsync(SqliteTransaction tx, IReadOnlyList<StockChange> stock, IReadOnlyList<OutboxMessage> events, CancellationToken cancellationToken)
    {
        foreach (var change in stock)
        {
            if (!await UpdateStockAsync(tx, change, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        foreach (var message in events)
        {
            await SqliteOutbox.AddAsync(tx, message, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private static async Task<bool> UpdateStockAsync(SqliteTransaction tx, StockChange change, CancellationToken cancellationToken)
    {
        await using var update = Command(tx, """
            UPDATE products SET name = $name, description = $description, price_minor = $price, available = $available,
                reserved = $reserved, version = $version, updated_at = $updatedAt
            WHERE id = $id AND version = $expected;
            """);
        var product = change.Updated;
        update.Parameters.AddWithValue("$id", product.Id);
        update.Parameters.AddWithValue("$name", product.Name);
        update.Parameters.AddWithValue("$description", product.Description);
        update.Parameters.AddWithValue("$price", product.PriceMinor);
        update.Parameters.AddWithValue("$available", product.Available);
        update.Parameters.AddWithValue("$reserved", product.Reserved);
        update.Parameters.AddWithValue("$version", product.Version);
        update.Parameters.AddWithValue("$updatedAt", FormatTime(product.UpdatedAt));
        update.Parameters.AddWithValue("$expected", change.ExpectedVersion);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static void BindOrder(SqliteParameterCollection p, Order order)
    {
        p.AddWithValue("$id", order.Id);
        p.AddWithValue("$user", order.UserId);
        p.AddWithValue("$key", order.IdempotencyKey);
        p.AddWithValue("$items", JsonSerializer.Serialize(order.Items.ToList(), MallStoreJsonContext.Default.ListOrderItem));
        p.AddWithValue("$total", order.TotalMinor);
        p.AddWithValue("$state", StateName(order.State));
        p.AddWithValue("$version", order.Version);
        p.AddWithValue("$placedAt", FormatTime(order.PlacedAt));
        p.AddWithValue("$expiresAt", FormatTime(order.ReservationExpiresAt));
        p.AddWithValue("$updatedAt", FormatTime(order.UpdatedAt));
        p.AddWithValue("$reason", (object?)order.CancelReason ?? DBNull.Value);
    }

    internal static string StateName(OrderState state) => state switch
    {
        OrderState.Placed => "placed",
        OrderState.Paid => "paid",
        OrderState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown order state."),
    };

    internal static OrderState ParseState(string state) => state switch
    {
        "placed" => OrderState.Placed,
        "paid" => OrderState.Paid,
        "cancelled" => OrderState.Cancelled,
        _ => throw new InvalidOperationException($"Unknown order state '{state}' in the store."),
    };

    private static Product ReadProduct(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Name = r.GetString(1),
        Description = r.GetString(2),
        PriceMinor = r.GetInt64(3),
        Available = r.GetInt32(4),
        Reserved = r.GetInt32(5),
        Version = r.GetInt64(6),
        CreatedAt = ParseTime(r.GetString(7)),
        UpdatedAt = ParseTime(r.GetString(8)),
    };

    private static Order ReadOrder(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        UserId = r.GetString(1),
        IdempotencyKey = r.GetString(2),
        Items = JsonSerializer.Deserialize(r.GetString(3), MallStoreJsonContext.Default.ListOrderItem) ?? [],
        TotalMinor = r.GetInt64(4),
        State = ParseState(r.GetString(5)),
        Version = r.GetInt64(6),
        PlacedAt = ParseTime(r.GetString(7)),
        ReservationExpiresAt = ParseTime(r.GetString(8)),
        UpdatedAt = ParseTime(r.GetString(9)),
        CancelReason = r.IsDBNull(10) ? null : r.GetString(10),
    };

}

/// <summary>JSON of the values the SQLite store keeps in text columns.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<OrderItem>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class MallStoreJsonContext : JsonSerializerContext;

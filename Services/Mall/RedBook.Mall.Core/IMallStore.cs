using RedBook.Domain.Paging;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Core.Ordering;
using RedBook.Messaging.Outbox;

namespace RedBook.Mall.Core;

/// <summary>
/// The mall's store. Writes are compare-and-set on versions: a product or an order is replaced only when it is still
/// at the version the caller read, and every write of one call (the order, each product's stock, the outbox
/// messages) commits in one transaction or not at all. Listings are keyset pages, newest first by the time-ordered
/// ids. Implementations: SQLite and MongoDB in RedBook.Mall.Infrastructure; both pass the same contract tests.
/// </summary>
public interface IMallStore : IOutboxStore
{
    /// <summary>Creates the schema and the indexes if they are missing (idempotent; called at start-up).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Inserts the product and its <c>stock.changed</c> event.</summary>
    Task CreateProductAsync(Product product, OutboxMessage stockChanged, CancellationToken cancellationToken);

    /// <summary>The product, or null.</summary>
    Task<Product?> GetProductAsync(string productId, CancellationToken cancellationToken);

    /// <summary>The products among <paramref name="productIds"/> that exist, in no particular order.</summary>
    Task<IReadOnlyList<Product>> GetProductsAsync(IReadOnlyCollection<string> productIds, CancellationToken cancellationToken);

    /// <summary>The catalogue, newest first.</summary>
    Task<IReadOnlyList<Product>> ListProductsAsync(PageRequest page, CancellationToken cancellationToken);

    /// <summary>Replaces the product if it is at <see cref="StockChange.ExpectedVersion"/>, with its event; false (nothing written) otherwise.</summary>
    Task<bool> UpdateProductAsync(StockChange change, OutboxMessage stockChanged, CancellationToken cancellationToken);

    /// <summary>The order, or null.</summary>
    Task<Order?> GetOrderAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>The user's order placed with <paramref name="idempotencyKey"/>, or null.</summary>
    Task<Order?> GetOrderByIdempotencyKeyAsync(string userId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>A user's orders, newest first.</summary>
    Task<IReadOnlyList<Order>> ListOrdersAsync(string userId, PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the order (unique per user and idempotency key), applies the stock changes (each at its expected
    /// version) and writes the events, all or nothing.
    /// </summary>
    Task<PlaceOrderOutcome> PlaceOrderAsync(Order order, IReadOnlyList<StockChange> stock, IReadOnlyList<OutboxMessage> events, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the order if it is at <paramref name="expectedVersion"/>, applies the stock changes (each at its
    /// expected version) and writes the events, all or nothing; false when any version did not match.
    /// </summary>
    Task<bool> UpdateOrderAsync(Order updated, long expectedVersion, IReadOnlyList<StockChange> stock, IReadOnlyList<OutboxMessage> events, CancellationToken cancellationToken);

    /// <summary>Placed orders whose reservation expired at or before <paramref name="now"/>, oldest expiry first, at most <paramref name="maxCount"/>.</summary>
    Task<IReadOnlyList<Order>> ListExpiredReservationsAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken);
}

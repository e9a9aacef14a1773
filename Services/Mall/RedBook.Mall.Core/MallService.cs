using Microsoft.Extensions.Options;
using RedBook.Domain;
using RedBook.Domain.Paging;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Core.Events;
using RedBook.Mall.Core.Ordering;
using RedBook.Messaging.Outbox;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Mall.Core;

/// <summary>
/// The mall's use cases over <see cref="IMallStore"/>: the catalogue, stock, and orders that reserve stock when
/// placed, sell it when paid and release it when cancelled or expired. Every change is read, decided here, and
/// written back compare-and-set on the versions it read; a lost race is re-read and retried up to
/// <see cref="MallOptions.MaxConcurrencyRetries"/> times. Arguments arrive validated by the edge
/// (<see cref="Validation.MallRules"/>); domain failures are thrown from <see cref="MallErrors"/>.
/// </summary>
public sealed class MallService(IMallStore store, IOptionsMonitor<MallOptions> options, TimeProvider timeProvider)
{
    /// <summary>The currency of every price (minor units of it).</summary>
    public string Currency => options.CurrentValue.Currency;

    /// <summary>Adds a product with its initial stock and a <c>stock.changed</c> event.</summary>
    public async Task<Product> CreateProductAsync(ProductDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var now = DomainClock.Now(timeProvider);
        var product = new Product
        {
            Id = EntityIds.New(timeProvider),
            Name = draft.Name,
            Description = draft.Description,
            PriceMinor = draft.PriceMinor,
            Available = draft.InitialStock,
            Reserved = 0,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.CreateProductAsync(product, MallEvents.StockChanged(product, timeProvider), cancellationToken).ConfigureAwait(false);
        return product;
    }

    /// <summary>A product; NOT_FOUND when there is none.</summary>
    public async Task<Product> GetProductAsync(string productId, CancellationToken cancellationToken) =>
        await store.GetProductAsync(productId, cancellationToken).ConfigureAwait(false) ?? throw MallErrors.ProductNotFound(productId);

    /// <summary>The products among <paramref name="productIds"/> that exist (unknown ids are left out).</summary>
    public Task<IReadOnlyList<Product>> GetProductsAsync(IReadOnlyCollection<string> productIds, CancellationToken cancellationToken) =>
        store.GetProductsAsync(productIds, cancellationToken);

    /// <summary>The catalogue, newest first.</summary>
    public async Task<Page<Product>> ListProductsAsync(PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        return Pages.Of(await store.ListProductsAsync(page.Probe(), cancellationToken).ConfigureAwait(false), page.Size, static p => p.Id);
    }

    /// <summary>
    /// Adds <paramref name="quantity"/> units to a product's available stock. With <paramref name="expectedVersion"/>
    /// above 0 the product must still be at that version (ABORTED <c>MALL_VERSION_CONFLICT</c> otherwise).
    /// </summary>
    public async Task<Product> RestockAsync(string productId, int quantity, long expectedVersion, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < options.CurrentValue.MaxConcurrencyRetries; attempt++)
        {
            var product = await GetProductAsync(productId, cancellationToken).ConfigureAwait(false);
            if (expectedVersion > 0 && product.Version != expectedVersion)
            {
                throw MallErrors.VersionConflict("product", productId, expectedVersion, product.Version);
            }

            var updated = product with { Available = product.Available + quantity, Version = product.Version + 1, UpdatedAt = DomainClock.Now(timeProvider) };
            if (await store.UpdateProductAsync(new StockChange(updated, product.Version), MallEvents.StockChanged(updated, timeProvider), cancellationToken).ConfigureAwait(false))
            {
                return updated;
            }
        }

        throw MallErrors.Contention("Restocking");
    }

    /// <summary>
    /// Places an order and reserves its stock until <see cref="MallOptions.ReservationTtl"/> from now. Idempotent per
    /// (user, idempotency key): a retry returns the order the first attempt placed (<c>Created</c> false); the same key
    /// with other lines is FAILED_PRECONDITION <c>MALL_IDEMPOTENCY_KEY_REUSED</c>. Unknown products are NOT_FOUND,
    /// short stock FAILED_PRECONDITION <c>MALL_OUT_OF_STOCK</c>; neither writes anything.
    /// </summary>
    public async Task<(Order Order, bool Created)> PlaceOrderAsync(string userId, string idempotencyKey, IReadOnlyList<OrderLine> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var current = options.CurrentValue;
        for (var attempt = 0; attempt < current.MaxConcurrencyRetries; attempt++)
        {
            if (await store.GetOrderByIdempotencyKeyAsync(userId, idempotencyKey, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                return existing.Matches(lines) ? (existing, false) : throw MallErrors.IdempotencyKeyReused(existing.Id);
            }

            var products = (await store.GetProductsAsync(lines.Select(l => l.ProductId).ToList(), cancellationToken).ConfigureAwait(false))
                .ToDictionary(p => p.Id, StringComparer.Ordinal);
            var now = DomainClock.Now(timeProvider);
            var items = new List<OrderItem>(lines.Count);
            var stock = new List<StockChange>(lines.Count);
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                if (!products.TryGetValue(line.ProductId, out var product))
                {
                    throw MallErrors.ProductNotFound(line.ProductId, $"items[{i}].product_id");
                }

                if (product.Available < line.Quantity)
                {
                    throw MallErrors.OutOfStock(product.Id, line.Quantity, product.Available, $"items[{i}].quantity");
                }

                items.Add(new OrderItem(product.Id, line.Quantity, product.PriceMinor));
                stock.Add(new StockChange(
                    product with { Available = product.Available - line.Quantity, Reserved = product.Reserved + line.Quantity, Version = product.Version + 1, UpdatedAt = now },
                    product.Version));
            }

            var order = new Order
            {
                Id = EntityIds.New(timeProvider),
                UserId = userId,
                IdempotencyKey = idempotencyKey,
                Items = items,
                TotalMinor = items.Sum(i => checked(i.UnitPriceMinor * i.Quantity)),
                State = OrderState.Placed,
                Version = 1,
                PlacedAt = now,
                ReservationExpiresAt = now + current.ReservationTtl,
                UpdatedAt = now,
            };
            var events = new List<OutboxMessage> { MallEvents.OrderPlaced(order, timeProvider) };
            events.AddRange(stock.Select(s => MallEvents.StockChanged(s.Updated, timeProvider)));
            var outcome = await store.PlaceOrderAsync(order, stock, events, cancellationToken).ConfigureAwait(false);
            if (outcome == PlaceOrderOutcome.Placed)
            {
                return (order, true);
            }

            // A concurrent attempt with the same key won (the next pass returns its order), or the stock moved (re-read).
        }

        throw MallErrors.Contention("Placing the order");
    }

    /// <summary>The user's order; NOT_FOUND when it does not exist or is someone else's.</summary>
    public async Task<Order> GetOrderAsync(string orderId, string userId, CancellationToken cancellationToken)
    {
        var order = await store.GetOrderAsync(orderId, cancellationToken).ConfigureAwait(false);
        return order is not null && order.UserId == userId ? order : throw MallErrors.OrderNotFound(orderId);
    }

    /// <summary>A user's orders, newest first.</summary>
    public async Task<Page<Order>> ListOrdersAsync(string userId, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        return Pages.Of(await store.ListOrdersAsync(userId, page.Probe(), cancellationToken).ConfigureAwait(false), page.Size, static o => o.Id);
    }

    /// <summary>
    /// Pays a placed order: its reserved stock is sold. Paying a paid order again returns it unchanged; a cancelled
    /// order is FAILED_PRECONDITION <c>MALL_ORDER_STATE_CONFLICT</c>, an expired reservation <c>MALL_RESERVATION_EXPIRED</c>.
    /// </summary>
    public async Task<Order> PayOrderAsync(string orderId, string userId, long expectedVersion, CancellationToken cancellationToken) =>
        (await ChangeOrderAsync(orderId, userId, expectedVersion, OrderState.Paid, null, cancellationToken).ConfigureAwait(false)).Order;

    /// <summary>
    /// Cancels a placed order and releases its stock. Cancelling a cancelled order returns it unchanged; a paid order
    /// is FAILED_PRECONDITION <c>MALL_ORDER_STATE_CONFLICT</c>.
    /// </summary>
    public async Task<Order> CancelOrderAsync(string orderId, string userId, long expectedVersion, CancellationToken cancellationToken) =>
        (await ChangeOrderAsync(orderId, userId, expectedVersion, OrderState.Cancelled, CancelReasons.User, cancellationToken).ConfigureAwait(false)).Order;

    /// <summary>
    /// Cancels up to <paramref name="maxCount"/> placed orders whose reservation expired at or before
    /// <paramref name="now"/>, releasing their stock (each with its <c>order.cancelled</c> and <c>stock.changed</c>
    /// events). Returns how many it released. An order paid or cancelled meanwhile is skipped. The reservation job
    /// calls this on its schedule.
    /// </summary>
    public async Task<int> ReleaseExpiredReservationsAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken)
    {
        var released = 0;
        foreach (var order in await store.ListExpiredReservationsAsync(now, maxCount, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if ((await ChangeOrderAsync(order.Id, null, 0, OrderState.Cancelled, CancelReasons.Expired, cancellationToken).ConfigureAwait(false)).Changed)
                {
                    released++;
                }
            }
            catch (RedBookException ex) when (ex.Error.Reason is MallErrorReasons.OrderStateConflict or MallErrorReasons.Contention)
            {
                // Paid in the meantime, or busy: the next run looks again.
            }
        }

        return released;
    }

    private async Task<(Order Order, bool Changed)> ChangeOrderAsync(string orderId, string? userId, long expectedVersion, OrderState target, string? cancelReason, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < options.CurrentValue.MaxConcurrencyRetries; attempt++)
        {
            var order = await store.GetOrderAsync(orderId, cancellationToken).ConfigureAwait(false);
            if (order is null || (userId is not null && order.UserId != userId))
            {
                throw MallErrors.OrderNotFound(orderId);
            }

            if (expectedVersion > 0 && order.Version != expectedVersion)
            {
                throw MallErrors.VersionConflict("order", orderId, expectedVersion, order.Version);
            }

            if (order.State == target)
            {
                return (order, false);
            }

            if (order.State != OrderState.Placed)
            {
                throw MallErrors.OrderStateConflict(orderId, order.State.ToString().ToLowerInvariant(), target == OrderState.Paid ? "paid" : "cancelled");
            }

            var now = DomainClock.Now(timeProvider);
            if (target == OrderState.Paid && now >= order.ReservationExpiresAt)
            {
                throw MallErrors.ReservationExpired(orderId);
            }

            var products = (await store.GetProductsAsync(order.Items.Select(i => i.ProductId).ToList(), cancellationToken).ConfigureAwait(false))
                .ToDictionary(p => p.Id, StringComparer.Ordinal);
            var stock = order.Items.Select(item =>
            {
                var product = products.TryGetValue(item.ProductId, out var p) ? p : throw new InvalidOperationException($"Order '{orderId}' names product '{item.ProductId}', which is missing.");
                var updated = target == OrderState.Paid
                    ? product with { Reserved = product.Reserved - item.Quantity }
                    : product with { Reserved = product.Reserved - item.Quantity, Available = product.Available + item.Quantity };
                return new StockChange(updated with { Version = product.Version + 1, UpdatedAt = now }, product.Version);
            }).ToList();
            var changed = order with { State = target, Version = order.Version + 1, UpdatedAt = now, CancelReason = cancelReason };
            var events = new List<OutboxMessage> { target == OrderState.Paid ? MallEvents.OrderPaid(changed, timeProvider) : MallEvents.OrderCancelled(changed, timeProvider) };
            events.AddRange(stock.Select(s => MallEvents.StockChanged(s.Updated, timeProvider)));
            if (await store.UpdateOrderAsync(changed, order.Version, stock, events, cancellationToken).ConfigureAwait(false))
            {
                return (changed, true);
            }
        }

        throw MallErrors.Contention(target == OrderState.Paid ? "Paying the order" : "Cancelling the order");
    }
}

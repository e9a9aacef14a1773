namespace RedBook.Mall.Core;

/// <summary>The reasons the mall service emits (google.rpc.ErrorInfo reasons, all prefixed <c>MALL_</c>).</summary>
public static class MallErrorReasons
{
    /// <summary>The prefix shared by all mall reasons.</summary>
    public const string Prefix = "MALL_";

    /// <summary>A request field is invalid (INVALID_ARGUMENT, with field violations).</summary>
    public const string InvalidArgument = "MALL_INVALID_ARGUMENT";

    /// <summary>The product does not exist (NOT_FOUND).</summary>
    public const string ProductNotFound = "MALL_PRODUCT_NOT_FOUND";

    /// <summary>The order does not exist, or is not the caller's (NOT_FOUND).</summary>
    public const string OrderNotFound = "MALL_ORDER_NOT_FOUND";

    /// <summary>Not enough stock is available for the order (FAILED_PRECONDITION).</summary>
    public const string OutOfStock = "MALL_OUT_OF_STOCK";

    /// <summary>The entity changed since the caller read the version it sent (ABORTED: read again, then retry).</summary>
    public const string VersionConflict = "MALL_VERSION_CONFLICT";

    /// <summary>Concurrent writers kept changing the stock; the order was not placed (ABORTED: retry with the same idempotency key).</summary>
    public const string Contention = "MALL_CONTENTION";

    /// <summary>The idempotency key was used before for a different order (FAILED_PRECONDITION).</summary>
    public const string IdempotencyKeyReused = "MALL_IDEMPOTENCY_KEY_REUSED";

    /// <summary>The order is not in a state that allows the operation, e.g. paying a cancelled order (FAILED_PRECONDITION).</summary>
    public const string OrderStateConflict = "MALL_ORDER_STATE_CONFLICT";

    /// <summary>The order's stock reservation expired before it was paid (FAILED_PRECONDITION).</summary>
    public const string ReservationExpired = "MALL_RESERVATION_EXPIRED";
}

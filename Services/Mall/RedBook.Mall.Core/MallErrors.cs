using RedBook.Domain.Validation;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Mall.Core;

/// <summary>The mall's domain errors, thrown as <see cref="RedBookException"/> and mapped to the wire at the edge.</summary>
public static class MallErrors
{
    /// <summary>
    /// Throws INVALID_ARGUMENT <see cref="MallErrorReasons.InvalidArgument"/> with every one of <paramref name="violations"/>
    /// as a field violation (google.rpc.BadRequest over gRPC), when there is any.
    /// </summary>
    public static void ThrowIfInvalid(IReadOnlyList<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var validation = new RedBookValidation(MallErrorReasons.InvalidArgument);
        foreach (var violation in violations)
        {
            validation.Add(violation.Field, violation.Description);
        }

        validation.ThrowIfInvalid();
    }

    /// <summary>NOT_FOUND <see cref="MallErrorReasons.ProductNotFound"/>.</summary>
    public static RedBookException ProductNotFound(string productId, string field = "product_id") =>
        Error(ErrorCode.NotFound, MallErrorReasons.ProductNotFound, $"Product '{productId}' does not exist.", field);

    /// <summary>NOT_FOUND <see cref="MallErrorReasons.OrderNotFound"/>.</summary>
    public static RedBookException OrderNotFound(string orderId) =>
        Error(ErrorCode.NotFound, MallErrorReasons.OrderNotFound, $"Order '{orderId}' does not exist.", "order_id");

    /// <summary>FAILED_PRECONDITION <see cref="MallErrorReasons.OutOfStock"/>.</summary>
    public static RedBookException OutOfStock(string productId, int requested, int available, string field) =>
        Error(ErrorCode.FailedPrecondition, MallErrorReasons.OutOfStock, $"Product '{productId}' has {available} available; the order asks for {requested}.", field);

    /// <summary>ABORTED <see cref="MallErrorReasons.VersionConflict"/>.</summary>
    public static RedBookException VersionConflict(string entity, string id, long expected, long actual) =>
        Error(ErrorCode.Aborted, MallErrorReasons.VersionConflict, $"The {entity} '{id}' is at version {actual}, not {expected}; read it again and retry.", "expected_version");

    /// <summary>ABORTED <see cref="MallErrorReasons.Contention"/>.</summary>
    public static RedBookException Contention(string what) =>
        Error(ErrorCode.Aborted, MallErrorReasons.Contention, $"{what} kept conflicting with concurrent changes; retry (with the same idempotency key).", null);

    /// <summary>FAILED_PRECONDITION <see cref="MallErrorReasons.IdempotencyKeyReused"/>.</summary>
    public static RedBookException IdempotencyKeyReused(string orderId) =>
        Error(ErrorCode.FailedPrecondition, MallErrorReasons.IdempotencyKeyReused, $"The idempotency key was used for order '{orderId}' with different items; use a new key for a new order.", "idempotency_key");

    /// <summary>FAILED_PRECONDITION <see cref="MallErrorReasons.OrderStateConflict"/>.</summary>
    public static RedBookException OrderStateConflict(string orderId, string state, string operation) =>
        Error(ErrorCode.FailedPrecondition, MallErrorReasons.OrderStateConflict, $"Order '{orderId}' is {state}; it cannot be {operation}.", null);

    /// <summary>FAILED_PRECONDITION <see cref="MallErrorReasons.ReservationExpired"/>.</summary>
    public static RedBookException ReservationExpired(string orderId) =>
        Error(ErrorCode.FailedPrecondition, MallErrorReasons.ReservationExpired, $"The stock reservation of order '{orderId}' expired; place the order again.", null);

    private static RedBookException Error(ErrorCode code, string reason, string message, string? field) =>
        new(new RedBookError(code, reason, message, field is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { [ErrorMetadataKeys.Field] = field }));
}

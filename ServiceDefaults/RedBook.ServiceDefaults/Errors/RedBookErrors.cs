using System.Globalization;

namespace RedBook.ServiceDefaults.Errors;

/// <summary>Factories for the errors the platform itself raises.</summary>
public static class RedBookErrors
{
    /// <summary>An invalid argument naming the offending <paramref name="field"/> (a header, a parameter, a body member).</summary>
    public static RedBookError InvalidArgument(string field, string message) =>
        new(ErrorCode.InvalidArgument, WellKnownReasons.BadRequest, message, new Dictionary<string, string>(StringComparer.Ordinal) { [ErrorMetadataKeys.Field] = field });

    /// <summary>The "overloaded, do not retry" error (503), with a pushback hint in milliseconds.</summary>
    public static RedBookError Overloaded(string message, long retryAfterMs) =>
        new(ErrorCode.Unavailable, WellKnownReasons.Overloaded, message, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ErrorMetadataKeys.RetryAfterMs] = retryAfterMs.ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>The unclassified internal error; <paramref name="traceId"/> points at the log entry with the details.</summary>
    public static RedBookError Internal(string? traceId) =>
        new(ErrorCode.Internal, WellKnownReasons.Internal, "An internal error occurred.", traceId is null
            ? null
            : new Dictionary<string, string>(StringComparer.Ordinal) { [ErrorMetadataKeys.TraceId] = traceId });

    /// <summary>The deadline passed before the work completed.</summary>
    public static RedBookError DeadlineExceeded(string message) =>
        new(ErrorCode.DeadlineExceeded, WellKnownReasons.DeadlineExceeded, message);
}

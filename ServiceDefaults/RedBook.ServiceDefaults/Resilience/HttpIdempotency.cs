using Polly;

namespace RedBook.ServiceDefaults.Resilience;

/// <summary>
/// Which HTTP calls may be retried. GET, HEAD, OPTIONS, TRACE, PUT and DELETE are idempotent by definition
/// (RFC 9110 §9.2.2); POST and PATCH only when the caller marks them, with an <c>Idempotency-Key</c> header or
/// <see cref="RedBookResilienceContextExtensions.SetIdempotent"/>.
/// </summary>
public static class HttpIdempotency
{
    /// <summary>The header a caller sets to make a POST or PATCH retryable (IETF <c>Idempotency-Key</c>).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>True for the methods that are idempotent by definition.</summary>
    public static bool IsIdempotentByDefault(HttpMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return method == HttpMethod.Get
            || method == HttpMethod.Head
            || method == HttpMethod.Options
            || method == HttpMethod.Trace
            || method == HttpMethod.Put
            || method == HttpMethod.Delete;
    }

    /// <summary>True when <paramref name="request"/> may be retried: an idempotent method, or an <c>Idempotency-Key</c> header.</summary>
    public static bool IsIdempotent(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IsIdempotentByDefault(request.Method) || request.Headers.NonValidated.Contains(IdempotencyKeyHeader);
    }

    /// <summary>
    /// Marks <paramref name="context"/> idempotent when <paramref name="request"/> is (never un-marks a call the
    /// caller already marked). The HTTP layer calls this before executing the pipeline.
    /// </summary>
    public static ResilienceContext ApplyTo(ResilienceContext context, HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsIdempotent() && IsIdempotent(request))
        {
            context.SetIdempotent(true);
        }

        return context;
    }
}

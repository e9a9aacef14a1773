using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Resilience;

/// <summary>
/// The default outcome classification shared by the retry strategy and the SRE breaker. It understands
/// <see cref="RedBookException"/>, <see cref="HttpResponseMessage"/> (status, <c>x-redbook-reason</c>,
/// <c>grpc-retry-pushback-ms</c>, <c>Retry-After</c>), <see cref="HttpRequestException"/> and Polly's own rejections.
/// </summary>
public static class RedBookOutcomes
{
    /// <summary>
    /// True for the global "overloaded, do not retry" outcome: a <see cref="RedBookException"/> whose
    /// <see cref="RedBookError.IsOverloaded"/>, or a response whose <c>x-redbook-reason</c> header is
    /// <see cref="WellKnownReasons.Overloaded"/>. No layer may retry it.
    /// </summary>
    public static bool IsOverloaded<TResult>(Outcome<TResult> outcome)
    {
        if (outcome.Exception is { } exception)
        {
            return exception is RedBookException { Error.IsOverloaded: true };
        }

        return outcome.Result is HttpResponseMessage response && HasOverloadedReason(response);
    }

    /// <summary>
    /// True for transient outcomes worth a retry: <see cref="ErrorCode.Unavailable"/>,
    /// <see cref="ErrorCode.DeadlineExceeded"/> and <see cref="ErrorCode.ResourceExhausted"/> errors,
    /// <see cref="HttpRequestException"/>, Polly's <see cref="TimeoutRejectedException"/>, and HTTP 429, 502, 503
    /// and 504. Overloaded outcomes are transient too; the retry strategy checks <see cref="IsOverloaded{TResult}"/>
    /// separately and never retries them. A local breaker rejection (<see cref="IsBreakerRejection{TResult}"/>) is
    /// not transient: retrying into the same throttle would defeat it. A pipeline that picks another endpoint per
    /// attempt can opt in with <c>ShouldRetry = o => IsTransient(o) || IsBreakerRejection(o)</c>.
    /// </summary>
    public static bool IsTransient<TResult>(Outcome<TResult> outcome)
    {
        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                RedBookException { Error.Reason: WellKnownReasons.BreakerOpen } => false,
                RedBookException e => e.Error.Code is ErrorCode.Unavailable or ErrorCode.DeadlineExceeded or ErrorCode.ResourceExhausted,
                HttpRequestException => true,
                TimeoutRejectedException => true,
                _ => false,
            };
        }

        return outcome.Result is HttpResponseMessage response
            && response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
    }

    /// <summary>True when the SRE breaker rejected the call locally (<see cref="WellKnownReasons.BreakerOpen"/>).</summary>
    public static bool IsBreakerRejection<TResult>(Outcome<TResult> outcome)
        => outcome.Exception is RedBookException { Error.Reason: WellKnownReasons.BreakerOpen };

    /// <summary>
    /// True for outcomes the SRE breaker counts as a failure of the dependency: HTTP 5xx, errors coded
    /// <see cref="ErrorCode.Unavailable"/>, <see cref="ErrorCode.DeadlineExceeded"/>, <see cref="ErrorCode.Internal"/>,
    /// <see cref="ErrorCode.DataLoss"/>, <see cref="ErrorCode.Unimplemented"/> or
    /// <see cref="ErrorCode.ResourceExhausted"/> (go-zero's set), <see cref="HttpRequestException"/>, timeouts and
    /// other unexpected exceptions. 4xx responses and caller errors (invalid argument, not found, ...) are accepts;
    /// a caller's own cancellation is neither.
    /// </summary>
    public static bool IsBreakerFailure<TResult>(Outcome<TResult> outcome)
    {
        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                RedBookException e => e.Error.Code is ErrorCode.Unavailable or ErrorCode.DeadlineExceeded or ErrorCode.Internal
                    or ErrorCode.DataLoss or ErrorCode.Unimplemented or ErrorCode.ResourceExhausted or ErrorCode.Unknown,
                OperationCanceledException => false,
                BrokenCircuitException => false,
                _ => true,
            };
        }

        return outcome.Result is HttpResponseMessage response && (int)response.StatusCode >= 500;
    }

    /// <summary>
    /// The server's pushback: null when there is none; a negative <see cref="TimeSpan"/> when the server asked not
    /// to retry (a negative or unparseable <c>grpc-retry-pushback-ms</c>, or a negative <c>retry_after_ms</c>);
    /// otherwise the delay to wait before the retry, at most what a timer holds (about 49.7 days). Reads <see cref="ErrorMetadataKeys.RetryAfterMs"/> of a
    /// <see cref="RedBookException"/>, and <c>grpc-retry-pushback-ms</c> or <c>Retry-After</c> (delta seconds) of a
    /// response.
    /// </summary>
    public static TimeSpan? GetPushback<TResult>(Outcome<TResult> outcome)
    {
        if (outcome.Exception is RedBookException e)
        {
            return e.Error.Metadata.TryGetValue(ErrorMetadataKeys.RetryAfterMs, out var value) ? ParsePushback(value) : null;
        }

        if (outcome.Result is HttpResponseMessage response)
        {
            if (response.Headers.NonValidated.TryGetValues(RedBookHeaders.RetryPushbackMs, out var values))
            {
                foreach (var value in values)
                {
                    return ParsePushback(value);
                }
            }

            if (response.Headers.RetryAfter is RetryConditionHeaderValue { Delta: { } delta })
            {
                return delta < TimeSpan.Zero ? Timeout.InfiniteTimeSpan : TimerDuration.Clamp(delta);
            }
        }

        return null;
    }

    private static TimeSpan ParsePushback(string value)
        => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms) && ms >= 0
            ? (ms < TimerDuration.Max.TotalMilliseconds ? TimeSpan.FromMilliseconds(ms) : TimerDuration.Max)
            : Timeout.InfiniteTimeSpan; // negative or unparseable: the server asks us not to retry (gRPC A6).

    private static bool HasOverloadedReason(HttpResponseMessage response)
    {
        if (response.Headers.NonValidated.TryGetValues(RedBookHeaders.ErrorReason, out var values))
        {
            foreach (var value in values)
            {
                if (string.Equals(value, WellKnownReasons.Overloaded, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}

namespace RedBook.ServiceDefaults.Errors;

/// <summary>
/// Reasons that the platform itself emits. Domain reasons carry their service's prefix (<c>FEED_</c>, <c>MALL_</c>);
/// these carry <c>REDBOOK_</c>.
/// </summary>
public static class WellKnownReasons
{
    /// <summary>
    /// The global "overloaded, do not retry" reason (code <see cref="ErrorCode.ResourceExhausted"/> or
    /// <see cref="ErrorCode.Unavailable"/>). A retry strategy never retries it and re-emits it upward unchanged,
    /// so no layer above retries either.
    /// </summary>
    public const string Overloaded = "REDBOOK_OVERLOADED";

    /// <summary>The request's deadline passed, or its remaining budget was below the minimum (fail fast).</summary>
    public const string DeadlineExceeded = "REDBOOK_DEADLINE_EXCEEDED";

    /// <summary>The client-side breaker rejected the call locally.</summary>
    public const string BreakerOpen = "REDBOOK_BREAKER_OPEN";

    /// <summary>The request was malformed (a header, a parameter, a body).</summary>
    public const string BadRequest = "REDBOOK_BAD_REQUEST";

    /// <summary>
    /// The client sent its request too slowly (its body, below the server's minimum data rate): HTTP 408, code
    /// <see cref="ErrorCode.InvalidArgument"/>. The caller's fault, not a deadline of ours.
    /// </summary>
    public const string RequestTimeout = "REDBOOK_REQUEST_TIMEOUT";

    /// <summary>The request body is larger than the server accepts: HTTP 413, code <see cref="ErrorCode.InvalidArgument"/>.</summary>
    public const string PayloadTooLarge = "REDBOOK_PAYLOAD_TOO_LARGE";

    /// <summary>Unclassified internal failure; the details are in the log under the trace id.</summary>
    public const string Internal = "REDBOOK_INTERNAL";

    /// <summary>
    /// A dependency answered with a failure that carries no RedBook error (a proxy's HTML page, an empty body);
    /// the code is derived from its HTTP status.
    /// </summary>
    public const string UnexpectedResponse = "REDBOOK_UNEXPECTED_RESPONSE";

    /// <summary>The route's rate limit refused the request (code <see cref="ErrorCode.ResourceExhausted"/>).</summary>
    public const string RateLimited = "REDBOOK_RATE_LIMITED";

    /// <summary>The instance is shutting down and takes no new work (code <see cref="ErrorCode.Unavailable"/>).</summary>
    public const string ShuttingDown = "REDBOOK_SHUTTING_DOWN";

    /// <summary>A client asked for a logical service name that no discovery provider knows (code <see cref="ErrorCode.Unavailable"/>).</summary>
    public const string UnknownService = "REDBOOK_UNKNOWN_SERVICE";

    /// <summary>Configuration names an HttpClient that nobody registered (reported by start-up validation).</summary>
    public const string UnknownClient = "REDBOOK_UNKNOWN_CLIENT";
}

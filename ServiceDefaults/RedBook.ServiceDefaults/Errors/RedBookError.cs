namespace RedBook.ServiceDefaults.Errors;

/// <summary>
/// The structured error every RedBook service speaks, modelled on gRPC's status and google.rpc.ErrorInfo:
/// a canonical <see cref="Code"/>, a domain-prefixed machine-readable <see cref="Reason"/>
/// (<c>FEED_NOTE_NOT_FOUND</c>), a human <see cref="Message"/>, and <see cref="Metadata"/> such as retry info.
/// On HTTP it travels as ProblemDetails; on gRPC as a status with trailers. Internal exception details never
/// go into it.
/// </summary>
public sealed record RedBookError
{
    /// <summary>Creates an error.</summary>
    public RedBookError(ErrorCode code, string reason, string message, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentNullException.ThrowIfNull(message);
        Code = code;
        Reason = reason;
        Message = message;
        Metadata = metadata ?? s_emptyMetadata;
    }

    private static readonly IReadOnlyDictionary<string, string> s_emptyMetadata = new Dictionary<string, string>();

    /// <summary>The canonical code.</summary>
    public ErrorCode Code { get; }

    /// <summary>The domain-prefixed reason, stable for machines (<c>MALL_OUT_OF_STOCK</c>).</summary>
    public string Reason { get; }

    /// <summary>The message for humans.</summary>
    public string Message { get; }

    /// <summary>Extra facts: retry info (<see cref="ErrorMetadataKeys.RetryAfterMs"/>), the offending field, and so on.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// The offending fields of an invalid argument, each with what is wrong (google.rpc.BadRequest's field violations;
    /// ProblemDetails' <c>errors</c>). Empty for other errors. Build them with <see cref="RedBookValidation"/>.
    /// </summary>
    public IReadOnlyList<RedBookFieldViolation> FieldViolations { get; init; } = [];

    /// <summary>
    /// The HTTP status to answer with when it must differ from the code's (gRPC's table has no 408 or 413): a request
    /// body that arrived too slowly is 408, one too large 413, both <see cref="ErrorCode.InvalidArgument"/>. Null
    /// (the default) answers with the code's status.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not an error status (400 to 599).</exception>
    public int? HttpStatus
    {
        get;
        init => field = value is null or (>= 400 and <= 599)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(HttpStatus), value, "An error's HTTP status is between 400 and 599.");
    }

    /// <summary>True when this is the global "overloaded, do not retry" error that no layer may retry.</summary>
    public bool IsOverloaded => Reason == WellKnownReasons.Overloaded;

    /// <inheritdoc />
    public override string ToString() => $"{Code} {Reason}: {Message}";
}

/// <summary>One offending field of an invalid argument (google.rpc.BadRequest.FieldViolation).</summary>
/// <param name="Field">The field's path, as the caller sent it (<c>title</c>, <c>items[0].quantity</c>).</param>
/// <param name="Description">What is wrong with it, for humans.</param>
public sealed record RedBookFieldViolation(string Field, string Description);

/// <summary>Well-known keys of <see cref="RedBookError.Metadata"/>.</summary>
public static class ErrorMetadataKeys
{
    /// <summary>Server pushback: the earliest a retry is welcome, in milliseconds (gRPC A6 <c>grpc-retry-pushback-ms</c>).</summary>
    public const string RetryAfterMs = "retry_after_ms";

    /// <summary>The name of the offending field or header of an invalid argument.</summary>
    public const string Field = "field";

    /// <summary>The trace id under which the details were logged.</summary>
    public const string TraceId = "trace_id";

    /// <summary>The HTTP status of a failed response that carried no RedBook error.</summary>
    public const string HttpStatus = "http_status";
}

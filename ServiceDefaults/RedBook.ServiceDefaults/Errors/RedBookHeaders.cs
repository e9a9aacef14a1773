namespace RedBook.ServiceDefaults.Errors;

/// <summary>The HTTP headers the RedBook platform reads and writes. gRPC uses the same names as metadata keys.</summary>
public static class RedBookHeaders
{
    /// <summary>The remaining deadline, in gRPC's wire format (at most 8 digits and a unit: H M S m u n).</summary>
    public const string GrpcTimeout = "grpc-timeout";

    /// <summary>Server pushback in milliseconds (gRPC A6); a negative value means "do not retry".</summary>
    public const string RetryPushbackMs = "grpc-retry-pushback-ms";

    /// <summary>The error reason of a failed response, so a client can classify it without reading the body.</summary>
    public const string ErrorReason = "x-redbook-reason";

    /// <summary>The error code (its number) of a failed response.</summary>
    public const string ErrorCode = "x-redbook-code";

    /// <summary>The prefix of metadata keys that travel across every hop.</summary>
    public const string GlobalMetadataPrefix = "x-md-global-";

    /// <summary>The traffic colour (full-chain stress tests, canaries).</summary>
    public const string Color = "x-md-global-color";

    /// <summary>The calling application's name.</summary>
    public const string CallerApp = "x-md-caller";

    /// <summary>The end user's id.</summary>
    public const string UserId = "x-md-global-uid";
}

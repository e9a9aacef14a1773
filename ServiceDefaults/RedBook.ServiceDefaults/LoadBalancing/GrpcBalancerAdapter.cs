using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>
/// The transport-neutral half of the gRPC binding of <see cref="ILoadBalancer{TEndpoint}"/> (the grpc-dotnet
/// <c>SubchannelPicker</c> in <c>RedBook.ServiceDefaults.Grpc</c> is the thin other half): the endpoint keys of
/// subchannel addresses, and the classification of a finished call into the feedback the balancer learns from.
/// </summary>
public static class GrpcBalancerAdapter
{
    /// <summary>The response header that carries the gRPC status (in trailers-only responses, that is every error that happens before a message).</summary>
    public const string GrpcStatusHeader = "grpc-status";

    /// <summary>
    /// True when a call that ended with <paramref name="code"/> says the endpoint is unhealthy: Unavailable,
    /// DeadlineExceeded, Internal and ResourceExhausted. Application errors (NotFound, InvalidArgument, ...) and
    /// caller cancellations say nothing about the endpoint's health.
    /// </summary>
    public static bool IsEndpointFailure(ErrorCode code)
        => code is ErrorCode.Unavailable or ErrorCode.DeadlineExceeded or ErrorCode.Internal or ErrorCode.ResourceExhausted;

    /// <summary>
    /// The gRPC status of an HTTP response that carries no <c>grpc-status</c>, as the gRPC spec's "HTTP to gRPC
    /// status code mapping": 200 is OK, 400 Internal, 401 Unauthenticated, 403 PermissionDenied, 404 Unimplemented,
    /// 429/502/503/504 Unavailable, anything else Unknown.
    /// </summary>
    public static ErrorCode FromHttpStatus(int httpStatus) => httpStatus switch
    {
        200 => ErrorCode.Ok,
        400 => ErrorCode.Internal,
        401 => ErrorCode.Unauthenticated,
        403 => ErrorCode.PermissionDenied,
        404 => ErrorCode.Unimplemented,
        429 or 502 or 503 or 504 => ErrorCode.Unavailable,
        _ => ErrorCode.Unknown,
    };

    /// <summary>
    /// Classifies a finished call. An exception that is a caller cancellation is <see cref="ErrorCode.Cancelled"/>, or
    /// <see cref="ErrorCode.DeadlineExceeded"/> when <paramref name="deadlineElapsed"/> (gRPC cancels the HTTP request
    /// when the deadline passes); any other exception (connection refused or reset, protocol error) is
    /// <see cref="ErrorCode.Unavailable"/>. Without an exception, a valid <c>grpc-status</c> header wins, then the HTTP
    /// status; without a response (none observed) the call counts as OK.
    /// </summary>
    /// <param name="error">The exception the transport raised, if any.</param>
    /// <param name="response">What <see cref="GrpcBalancerFeedbackHandler"/> saw of the response, if anything.</param>
    /// <param name="deadlineElapsed">True when the call's deadline had passed when it ended.</param>
    public static ErrorCode Classify(Exception? error, GrpcResponseSignals? response, bool deadlineElapsed)
    {
        if (error is not null)
        {
            if (error is OperationCanceledException || error.InnerException is OperationCanceledException)
            {
                return deadlineElapsed ? ErrorCode.DeadlineExceeded : ErrorCode.Cancelled;
            }

            return ErrorCode.Unavailable;
        }

        if (response is not { } signals)
        {
            return ErrorCode.Ok;
        }

        return signals.GrpcStatus ?? FromHttpStatus(signals.HttpStatus);
    }

    /// <summary>
    /// Reads the signals of a response: its HTTP status, its <c>grpc-status</c> header (ignored unless an integer from
    /// 0 to 16) and the server CPU of <see cref="LoadBalancingConstants.ServerCpuHeader"/> (NaN when absent or malformed).
    /// </summary>
    public static GrpcResponseSignals ReadSignals(int httpStatus, HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ErrorCode? grpcStatus = null;
        if (headers.TryGetValues(GrpcStatusHeader, out var statusValues)
            && int.TryParse(statusValues.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            && code <= (int)ErrorCode.Unauthenticated)
        {
            grpcStatus = (ErrorCode)code;
        }

        var cpu = headers.TryGetValues(LoadBalancingConstants.ServerCpuHeader, out var cpuValues)
            ? PickFeedback.ParseServerCpu(cpuValues.FirstOrDefault())
            : double.NaN;
        return new GrpcResponseSignals(httpStatus, grpcStatus, cpu);
    }

    /// <summary>
    /// The timeout a request carries in its <c>grpc-timeout</c> header, or null when it has none or a malformed one.
    /// </summary>
    public static TimeSpan? RequestTimeout(HttpRequestMessage? request)
    {
        if (request is not null
            && request.Headers.TryGetValues(RedBookHeaders.GrpcTimeout, out var values)
            && GrpcTimeout.TryParse(values.FirstOrDefault(), out var timeout))
        {
            return timeout;
        }

        return null;
    }

    /// <summary>
    /// The balancer key of an address: <c>host:port</c>. Statistics follow the key, so a subchannel keeps its latency
    /// and success history across picker rebuilds as long as its address stays.
    /// </summary>
    public static string AddressKey(EndPoint address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address switch
        {
            DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
            _ => address.ToString() ?? string.Empty,
        };
    }

    /// <summary>
    /// Maps ready subchannels (or any endpoint type) to balancer endpoints keyed by <see cref="AddressKey"/>. Items
    /// without a current address are left out (a subchannel between addresses cannot take a call); a later duplicate
    /// address wins, as in <see cref="ILoadBalancer{TEndpoint}.UpdateEndpoints"/>.
    /// </summary>
    /// <param name="items">The endpoints.</param>
    /// <param name="address">Reads an endpoint's current address (null when it has none).</param>
    public static BalancerEndpoint<TEndpoint>[] ToBalancerEndpoints<TEndpoint>(IReadOnlyList<TEndpoint> items, Func<TEndpoint, EndPoint?> address)
        where TEndpoint : class
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(address);
        var result = new List<BalancerEndpoint<TEndpoint>>(items.Count);
        foreach (var item in items)
        {
            if (item is not null && address(item) is { } endPoint)
            {
                result.Add(new BalancerEndpoint<TEndpoint>(item, AddressKey(endPoint)));
            }
        }

        return [.. result];
    }
}

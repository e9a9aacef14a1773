using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Metadata;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Server;

/// <summary>
/// The outermost RedBook middleware: measures the request's cost on the <see cref="TimeProvider"/>, then writes
/// one structured access-log line (trace id, route, status, code, reason, cost, caller; plus the six-tuple when
/// <see cref="AccessLogOptions.Debug"/> is on), records the server's RED metrics (<see cref="RedMetrics"/>) and
/// tags the server span with <c>redbook.code</c>, <c>redbook.reason</c>, <c>redbook.caller</c> and
/// <c>redbook.color</c>, plus the HTTP semantic-convention name and tags (<c>http.route</c>,
/// <c>http.request.method</c>, <c>http.response.status_code</c>, <c>url.path</c>, <c>error.type</c>).
/// </summary>
internal sealed class AccessLogMiddleware
{
    /// <summary>The method label of a request that matched no endpoint (keeps the label's cardinality bounded).</summary>
    public const string Unmatched = "(unmatched)";

    private readonly RequestDelegate _next;
    private readonly IOptionsMonitor<AccessLogOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public AccessLogMiddleware(RequestDelegate next, IOptionsMonitor<AccessLogOptions> options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _next = next;
        _options = options;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger(AccessLog.Category);
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var options = _options.CurrentValue;
        var start = _timeProvider.GetTimestamp();
        CapturingStream? capture = null;
        Stream? originalBody = null;
        if (options.Enabled && options.Debug && _logger.IsEnabled(LogLevel.Information))
        {
            originalBody = context.Response.Body;
            capture = new CapturingStream(originalBody, options.MaxResponseBodyLength);
            context.Response.Body = capture;
        }

        var failed = false;
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            if (capture is not null)
            {
                context.Response.Body = originalBody!;
            }

            Complete(context, options, start, capture, failed);
            capture?.Dispose();
        }
    }

    private void Complete(HttpContext context, AccessLogOptions options, long start, CapturingStream? capture, bool failed)
    {
        var elapsed = _timeProvider.GetElapsedTime(start);
        var response = context.Response;
        var status = failed ? StatusCodes.Status500InternalServerError : response.StatusCode;
        var code = ErrorCodeOf(context, response, status);
        var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        string? reason = response.Headers.TryGetValue(RedBookHeaders.ErrorReason, out var reasonHeader) ? reasonHeader.ToString()
            : trailers is not null && trailers.TryGetValue(RedBookHeaders.ErrorReason, out var reasonTrailer) ? reasonTrailer.ToString()
            : null;
        var metadata = context.Features.Get<RequestMetadata>();
        var caller = metadata?.CallerApp ?? RedMetrics.UnknownPeer;
        var endpoint = context.GetEndpoint();
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? Unmatched;
        var method = context.Request.Method + " " + route;
        RedMetrics.RecordServer(method, caller, code, elapsed);

        var codeName = ErrorCodeMapping.ToName(code);
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            // The ASP.NET Core instrumentation names the span and adds the HTTP semantic-convention tags; these are ours.
            activity.SetTag("redbook.code", codeName);
            activity.SetTag("redbook.caller", caller);
            if (reason is not null)
            {
                activity.SetTag("redbook.reason", reason);
            }

            if (metadata?.Color is { } color)
            {
                activity.SetTag("redbook.color", color);
            }
        }

        if (!options.Enabled || !_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var traceId = RedBookProblemDetails.TraceIdOf(context);
        if (capture is null)
        {
            AccessLog.Request(_logger, context.Request.Method, route, status, codeName, reason, elapsed.TotalMilliseconds, caller, traceId);
            return;
        }

        var configName = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? endpoint?.DisplayName ?? Unmatched;
        var request = context.Request;
        var url = string.Concat(request.PathBase.Value, request.Path.Value, request.QueryString.Value);
        var body = Encoding.UTF8.GetString(capture.Captured) + (capture.Truncated ? "…" : string.Empty);
        var parameters = Parameters(context);
        var location = Location(endpoint);
        AccessLog.RequestDebug(_logger, request.Method, route, status, codeName, reason, elapsed.TotalMilliseconds, caller, traceId, configName, url, parameters, body, location);
    }

    /// <summary>
    /// The canonical code of a finished request: <c>x-redbook-code</c>, else a gRPC call's <c>grpc-status</c> (in the
    /// trailers, or in the headers of a trailers-only response: a gRPC call's HTTP status is 200 whatever its outcome),
    /// else the HTTP status.
    /// </summary>
    internal static ErrorCode ErrorCodeOf(HttpContext context, HttpResponse response, int status)
    {
        if (response.Headers.TryGetValue(RedBookHeaders.ErrorCode, out var header)
            && ErrorCodeMapping.TryParse(header.ToString(), out var code))
        {
            return code;
        }

        if (context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { } trailers
            && trailers.TryGetValue(GrpcStatusHeader, out var trailer)
            && ErrorCodeMapping.TryParse(trailer.ToString(), out code))
        {
            return code;
        }

        if (response.Headers.TryGetValue(GrpcStatusHeader, out var grpcStatus) && ErrorCodeMapping.TryParse(grpcStatus.ToString(), out code))
        {
            return code;
        }

        return ErrorCodeMapping.FromHttpStatus(status);
    }

    private const string GrpcStatusHeader = "grpc-status";

    private static string Parameters(HttpContext context)
    {
        var builder = new StringBuilder();
        foreach (var pair in context.Request.Query)
        {
            builder.Append(builder.Length == 0 ? string.Empty : "&").Append(pair.Key).Append('=').Append(pair.Value.ToString());
        }

        foreach (var pair in context.Request.RouteValues)
        {
            builder.Append(builder.Length == 0 ? string.Empty : "&").Append(pair.Key).Append('=').Append(Convert.ToString(pair.Value, CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    private static string Location(Endpoint? endpoint)
    {
        var method = endpoint?.Metadata.GetMetadata<MethodInfo>();
        return method is null ? Unmatched : $"{method.DeclaringType?.FullName}.{method.Name}";
    }
}

using Microsoft.Extensions.Logging;

namespace RedBook.ServiceDefaults.Server;

/// <summary>The access log's source-generated messages (category <see cref="Category"/>).</summary>
internal static partial class AccessLog
{
    public const string Category = "RedBook.AccessLog";

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "{HttpMethod} {Route} {Status} {Code} {Reason} {CostMs:F1}ms caller={Caller} trace={TraceId}")]
    public static partial void Request(ILogger logger, string httpMethod, string route, int status, string code, string? reason, double costMs, string caller, string traceId);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "{HttpMethod} {Route} {Status} {Code} {Reason} {CostMs:F1}ms caller={Caller} trace={TraceId} config={ConfigName} url={Url} params={Parameters} response={Response} location={Location}")]
    public static partial void RequestDebug(ILogger logger, string httpMethod, string route, int status, string code, string? reason, double costMs, string caller, string traceId, string configName, string url, string parameters, string response, string location);
}

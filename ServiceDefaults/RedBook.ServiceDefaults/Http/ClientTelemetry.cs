using System.Diagnostics;
using System.Diagnostics.Metrics;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Client RED metrics, one sample per logical call (retries included): <c>redbook.client.request.duration</c>
/// (seconds; its count is the rate) and <c>redbook.client.request.errors</c>, both tagged with the HTTP method, the
/// peer (the logical service, or the host for a concrete address) and the code (the HTTP status, or the error
/// model's code name for a call that failed without a response). The activity comes from .NET's own HttpClient
/// instrumentation.
/// </summary>
internal sealed class ClientTelemetry
{
    private readonly Histogram<double> _duration = RedBookDiagnostics.Meter.CreateHistogram<double>(
        "redbook.client.request.duration", "s", "Duration of outgoing calls through the RedBook client pipeline, retries included.");

    private readonly Counter<long> _errors = RedBookDiagnostics.Meter.CreateCounter<long>(
        "redbook.client.request.errors", "{request}", "Outgoing calls that ended in an error (5xx, or no response).");

    public void Record(HttpMethod method, Uri peer, TimeSpan elapsed, HttpResponseMessage? response, Exception? exception)
    {
        var code = response is not null ? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : CodeOf(exception);
        var tags = new TagList
        {
            { "http.request.method", method.Method },
            { "peer.service", peer.IdnHost },
            { "code", code },
        };
        _duration.Record(elapsed.TotalSeconds, tags);
        if (response is null || (int)response.StatusCode >= 500)
        {
            _errors.Add(1, tags);
        }
    }

    private static string CodeOf(Exception? exception) => exception switch
    {
        RedBookException e => e.Error.Code.ToString(),
        OperationCanceledException => nameof(ErrorCode.Cancelled),
        HttpRequestException => nameof(ErrorCode.Unavailable),
        _ => nameof(ErrorCode.Unknown),
    };
}

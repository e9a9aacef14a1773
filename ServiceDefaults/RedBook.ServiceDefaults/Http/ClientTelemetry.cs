using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Client RED metrics, one sample per logical call (retries included), through the library's
/// <see cref="RedMetrics.RecordClient"/>: <c>redbook.client.requests</c>, <c>redbook.client.errors</c> and
/// <c>redbook.client.duration</c>, tagged with the HTTP method, the peer (the logical service, or the host of a
/// concrete address) and the canonical code (from <c>x-redbook-code</c> or the HTTP status of a response, or the
/// error of a call that got none). The span is .NET's own HttpClient activity.
/// </summary>
internal static class ClientTelemetry
{
    public static void Record(HttpMethod method, Uri peer, TimeSpan elapsed, HttpResponseMessage? response, Exception? exception) =>
        RedMetrics.RecordClient(method.Method, peer.IdnHost, CodeOf(response, exception), elapsed);

    internal static ErrorCode CodeOf(HttpResponseMessage? response, Exception? exception)
    {
        if (response is not null)
        {
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 400)
            {
                return ErrorCode.Ok;
            }

            if (response.Headers.NonValidated.TryGetValues(RedBookHeaders.ErrorCode, out var values))
            {
                foreach (var value in values)
                {
                    if (ErrorCodeMapping.TryParse(value, out var code))
                    {
                        return code;
                    }
                }
            }

            return ErrorCodeMapping.FromHttpStatus(status);
        }

        return exception switch
        {
            RedBookException e => e.Error.Code,
            OperationCanceledException => ErrorCode.Cancelled,
            HttpRequestException => ErrorCode.Unavailable,
            _ => ErrorCode.Unknown,
        };
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Telemetry;

/// <summary>
/// RED metrics (rate, errors, duration) for both sides of every call, on <see cref="RedBookDiagnostics.Meter"/>:
/// <c>redbook.server.requests</c>, <c>redbook.server.errors</c>, <c>redbook.server.duration</c> and the same
/// three under <c>redbook.client.</c>. Every measurement carries <c>method</c> (the route or operation),
/// <c>peer</c> (the calling application on the server, the called service on the client) and <c>code</c> (the
/// canonical code name, <c>OK</c> on success). An error is any code other than <c>OK</c>. Durations are seconds.
/// The server pipeline records the server half; the client pipeline calls <see cref="RecordClient"/>.
/// </summary>
public static class RedMetrics
{
    /// <summary>The tag that holds the method.</summary>
    public const string MethodTag = "method";

    /// <summary>The tag that holds the peer.</summary>
    public const string PeerTag = "peer";

    /// <summary>The tag that holds the code.</summary>
    public const string CodeTag = "code";

    /// <summary>The peer recorded when it is not known.</summary>
    public const string UnknownPeer = "unknown";

    // Seconds from 1 ms to 10 s, as the semantic conventions advise for http.server.request.duration (the SDK's own
    // default buckets are for milliseconds).
    private static readonly InstrumentAdvice<double> s_durationAdvice = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    };

    private static readonly Counter<long> s_serverRequests = RedBookDiagnostics.Meter.CreateCounter<long>("redbook.server.requests", "{request}", "Requests the server handled.");
    private static readonly Counter<long> s_serverErrors = RedBookDiagnostics.Meter.CreateCounter<long>("redbook.server.errors", "{request}", "Requests the server answered with an error code.");
    private static readonly Histogram<double> s_serverDuration = RedBookDiagnostics.Meter.CreateHistogram("redbook.server.duration", "s", "How long the server took to handle a request.", tags: null, s_durationAdvice);
    private static readonly Counter<long> s_clientRequests = RedBookDiagnostics.Meter.CreateCounter<long>("redbook.client.requests", "{request}", "Calls this service made to dependencies.");
    private static readonly Counter<long> s_clientErrors = RedBookDiagnostics.Meter.CreateCounter<long>("redbook.client.errors", "{request}", "Calls to dependencies that ended with an error code.");
    private static readonly Histogram<double> s_clientDuration = RedBookDiagnostics.Meter.CreateHistogram("redbook.client.duration", "s", "How long calls to dependencies took.", tags: null, s_durationAdvice);

    /// <summary>Records one request this server handled.</summary>
    public static void RecordServer(string method, string? peer, ErrorCode code, TimeSpan duration) =>
        Record(s_serverRequests, s_serverErrors, s_serverDuration, method, peer, code, duration);

    /// <summary>Records one call this service made to <paramref name="peer"/>.</summary>
    public static void RecordClient(string method, string? peer, ErrorCode code, TimeSpan duration) =>
        Record(s_clientRequests, s_clientErrors, s_clientDuration, method, peer, code, duration);

    private static void Record(Counter<long> requests, Counter<long> errors, Histogram<double> durations, string method, string? peer, ErrorCode code, TimeSpan duration)
    {
        if (!requests.Enabled && !errors.Enabled && !durations.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { MethodTag, method },
            { PeerTag, string.IsNullOrEmpty(peer) ? UnknownPeer : peer },
            { CodeTag, ErrorCodeMapping.ToName(code) },
        };
        requests.Add(1, tags);
        if (code != ErrorCode.Ok)
        {
            errors.Add(1, tags);
        }

        durations.Record(duration.TotalSeconds, tags);
    }
}

using System.Diagnostics.Metrics;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Tests.Telemetry;

public class RedBookTelemetryTests
{
    [Fact]
    public void ParseResourceAttributes_OtelFormat_DecodesPairs()
    {
        var attributes = RedBookTelemetryExtensions.ParseResourceAttributes("service.namespace=redbook, deployment.environment=prod%20eu,broken,=x");

        Assert.Equal(
            [new("service.namespace", "redbook"), new("deployment.environment", "prod eu")],
            attributes);
    }

    [Fact]
    public void ParseResourceAttributes_Empty_IsEmpty() =>
        Assert.Empty(RedBookTelemetryExtensions.ParseResourceAttributes(null));

    [Fact]
    public void RecordClient_Error_CountsRequestErrorAndDuration()
    {
        var method = "GET /probe-" + Guid.NewGuid().ToString("N");
        var seen = new List<(string Instrument, double Value, string? Code, string? Peer)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RedBookDiagnostics.Name && instrument.Name.StartsWith("redbook.client.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Collect(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Collect(instrument, value, tags));
        listener.Start();

        RedMetrics.RecordClient(method, "mall", ErrorCode.Unavailable, TimeSpan.FromMilliseconds(250));
        RedMetrics.RecordClient(method, null, ErrorCode.Ok, TimeSpan.FromMilliseconds(50));

        Assert.Contains(("redbook.client.requests", 1d, "UNAVAILABLE", "mall"), seen);
        Assert.Contains(("redbook.client.errors", 1d, "UNAVAILABLE", "mall"), seen);
        Assert.Contains(("redbook.client.duration", 0.25d, "UNAVAILABLE", "mall"), seen);
        Assert.Contains(("redbook.client.requests", 1d, "OK", RedMetrics.UnknownPeer), seen);
        Assert.DoesNotContain(("redbook.client.errors", 1d, "OK", RedMetrics.UnknownPeer), seen);

        void Collect(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? code = null, peer = null, m = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case RedMetrics.CodeTag: code = (string?)tag.Value; break;
                    case RedMetrics.PeerTag: peer = (string?)tag.Value; break;
                    case RedMetrics.MethodTag: m = (string?)tag.Value; break;
                }
            }

            if (m == method)
            {
                lock (seen)
                {
                    seen.Add((instrument.Name, value, code, peer));
                }
            }
        }
    }
}

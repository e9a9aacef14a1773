using Microsoft.Extensions.Time.Testing;
using System.Diagnostics.Metrics;
using RedBook.ServiceDefaults.CoDel;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Tests.CoDel;

public class CoDelTelemetryTests
{
    [Fact]
    public void Meter_ReportsShedReasonsAndQueueLength()
    {
        var time = new FakeTimeProvider();
        using var limiter = new CoDelRateLimiter(new CoDelOptions { PermitLimit = 1, QueueLimit = 1 }, time, "codel-meter-test");
        var shed = new Dictionary<string, long>();
        var queueLength = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RedBookDiagnostics.Name && instrument.Name.StartsWith("redbook.codel.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var mine = false;
            string? reason = null;
            foreach (var tag in tags)
            {
                mine |= tag.Key == CoDelConstants.LimiterTag && (string?)tag.Value == "codel-meter-test";
                reason = tag.Key == CoDelConstants.ReasonTag ? (string?)tag.Value : reason;
            }

            if (mine && reason is not null)
            {
                shed[reason] = shed.GetValueOrDefault(reason) + value;
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == CoDelConstants.LimiterTag && (string?)tag.Value == "codel-meter-test")
                {
                    queueLength = value;
                }
            }
        });
        listener.Start();

        using var holder = limiter.AttemptAcquire();
        _ = limiter.AttemptAcquire();          // no_permit
        var waiting = limiter.AcquireAsync();  // queued
        var full = limiter.AcquireAsync();     // queue_full
        listener.RecordObservableInstruments();

        Assert.Equal(1, shed["no_permit"]);
        Assert.Equal(1, shed["queue_full"]);
        Assert.Equal(1, queueLength);
        Assert.False(waiting.IsCompleted);
        Assert.True(full.IsCompletedSuccessfully);
    }
}

using Microsoft.Extensions.Time.Testing;
using System.Diagnostics.Metrics;
using RedBook.ServiceDefaults.LoadBalancing;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Tests.LoadBalancing;

public class LoadBalancingTelemetryTests
{
    [Fact]
    public void Instruments_AfterPicks_ReportPicksAndForcedPicksPerEndpoint()
    {
        var time = new FakeTimeProvider();
        var service = $"svc-{Guid.NewGuid():N}";
        var balancer = new P2CBalancer<string>(service, new P2CBalancerOptions(), time, 5);
        balancer.UpdateEndpoints([new("a", "a"), new("b", "b")]);
        for (var i = 0; i < 10; i++)
        {
            var pick = balancer.Pick();
            time.Advance(TimeSpan.FromSeconds(1));
            balancer.Complete(pick, new PickFeedback(pick.Endpoint == "a"));
        }

        var measured = new List<(string Instrument, string Endpoint, long Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RedBookDiagnostics.Name && instrument.Name.StartsWith("redbook.lb.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var tagList = tags.ToArray();
            if (tagList.Any(t => t.Key == "redbook.lb.service" && (string?)t.Value == service))
            {
                measured.Add((instrument.Name, (string)tagList.Single(t => t.Key == "redbook.lb.endpoint").Value!, value));
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        var snapshot = balancer.GetSnapshot().ToDictionary(s => s.Key);
        Assert.Equal(10, measured.Where(m => m.Instrument == "redbook.lb.picks").Sum(m => m.Value));
        Assert.Equal(snapshot["b"].Picks, measured.Single(m => m.Instrument == "redbook.lb.picks" && m.Endpoint == "b").Value);
        Assert.Equal(snapshot["b"].ForcedPicks, measured.Single(m => m.Instrument == "redbook.lb.forced_picks" && m.Endpoint == "b").Value);
        Assert.True(snapshot["b"].ForcedPicks > 0);
        Assert.All(measured.Where(m => m.Instrument == "redbook.lb.in_flight"), m => Assert.Equal(0, m.Value));
    }
}

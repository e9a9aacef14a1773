using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RedBook.ServiceDefaults.Http;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Tests.Telemetry;

public class RedBookTelemetryTests
{
    [Fact]
    public async Task AddServiceDefaults_OtlpEndpointAndJaeger_BuildsTheProvidersWithBothExporters()
    {
        // UseOtlpExporter refuses a second AddOtlpExporter on the same services; Jaeger's exporter is a processor of its own.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "telemetry-test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317",
            ["RedBook:Telemetry:JaegerEndpoint"] = "http://127.0.0.1:14317",
        });
        builder.AddServiceDefaults();
        await using var provider = builder.Services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<TracerProvider>());
        Assert.NotNull(provider.GetRequiredService<MeterProvider>());
        Assert.NotNull(provider.GetRequiredService<LoggerProvider>());
    }

    [Theory]
    [InlineData("OtlpTraceExporter", false)]
    [InlineData("OtlpMetricExporter", false)]
    [InlineData("OtlpLogExporter", false)]
    [InlineData("feed", true)]
    public async Task AddRedBookPipeline_OtlpExporterClients_KeepTheExportersOwnHandlers(string client, bool pipelined)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.ConfigureHttpClientDefaults(static b => b.AddRedBookPipeline());
        await using var provider = services.BuildServiceProvider();

        var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(client);

        var found = false;
        while (handler is DelegatingHandler delegating)
        {
            found |= delegating is RedBookClientHandler;
            handler = delegating.InnerHandler;
        }

        Assert.Equal(pipelined, found);
    }

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

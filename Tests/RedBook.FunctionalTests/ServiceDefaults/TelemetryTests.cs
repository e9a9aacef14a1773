using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.FunctionalTests.ServiceDefaults;

public class TelemetryTests
{
    [Fact]
    public async Task Request_ProducesServerSpanWithRedBookTagsAndRedMetrics()
    {
        var route = "/telemetry-" + Guid.NewGuid().ToString("N");
        var activities = new ActivityCollector();
        var metrics = new MetricCollector();
        await using var app = await KestrelApp.StartAsync(
            a =>
            {
                a.MapGet(route, () => "ok");
                a.MapGet(route + "/missing", () =>
                {
                    throw new RedBookException(new RedBookError(ErrorCode.NotFound, "FEED_NOTE_NOT_FOUND", "gone"));
                });
            },
            b =>
            {
                b.Services.ConfigureRedBookTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(activities)));
                b.Services.ConfigureRedBookMetrics(m => m.AddReader(new BaseExportingMetricReader(metrics)));
            });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(route, UriKind.Relative));
        request.Headers.Add(RedBookHeaders.CallerApp, "bff");
        request.Headers.Add(RedBookHeaders.Color, "canary");

        using var ok = await app.Client.SendAsync(request);
        using var missing = await app.Client.GetAsync(new Uri(route + "/missing", UriKind.Relative));
        await Poll.UntilAsync(() => activities.Activities.Count(a => (string?)a.GetTagItem("http.route") is { } r && r.StartsWith(route, StringComparison.Ordinal)) == 2, "both server spans");
        app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var span = activities.Activities.Single(a => (string?)a.GetTagItem("http.route") == route);
        Assert.Equal("Microsoft.AspNetCore", span.Source.Name);
        Assert.Equal("GET " + route, span.DisplayName);
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal("OK", span.GetTagItem("redbook.code"));
        Assert.Equal("bff", span.GetTagItem("redbook.caller"));
        Assert.Equal("canary", span.GetTagItem("redbook.color"));
        var failed = activities.Activities.Single(a => (string?)a.GetTagItem("http.route") == route + "/missing");
        Assert.Equal("NOT_FOUND", failed.GetTagItem("redbook.code"));
        Assert.Equal("FEED_NOTE_NOT_FOUND", failed.GetTagItem("redbook.reason"));

        var points = metrics.Points.ToArray();
        Assert.Contains(points, p => p.Name == "redbook.server.requests" && (string?)p.Tags["method"] == "GET " + route && (string?)p.Tags["peer"] == "bff" && (string?)p.Tags["code"] == "OK" && p.Value == 1);
        Assert.Contains(points, p => p.Name == "redbook.server.duration" && (string?)p.Tags["method"] == "GET " + route && p.Value == 1);
        Assert.Contains(points, p => p.Name == "redbook.server.errors" && (string?)p.Tags["method"] == "GET " + route + "/missing" && (string?)p.Tags["code"] == "NOT_FOUND" && p.Value == 1);
        Assert.DoesNotContain(points, p => p.Name == "redbook.server.errors" && (string?)p.Tags["method"] == "GET " + route);
        Assert.Contains(points, p => p.Name == "http.server.request.duration");
    }

    [Fact]
    public async Task AccessLog_Request_HasTraceIdRouteStatusCostAndCaller()
    {
        var logs = new LogCollector();
        await using var app = await KestrelApp.StartAsync(
            a => a.MapGet("/notes/{id}", (string id) => "note " + id),
            b => b.Logging.AddProvider(logs));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/notes/7?x=1", UriKind.Relative));
        request.Headers.Add(RedBookHeaders.CallerApp, "bff");
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        using var response = await app.Client.SendAsync(request);
        await Poll.UntilAsync(() => logs.Entries.Any(e => e.Category == "RedBook.AccessLog"), "the access log line");

        var line = logs.Entries.Single(e => e.Category == "RedBook.AccessLog");
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", line.State["TraceId"]);
        Assert.Equal("/notes/{id}", line.State["Route"]);
        Assert.Equal(200, line.State["Status"]);
        Assert.Equal("OK", line.State["Code"]);
        Assert.Equal("bff", line.State["Caller"]);
        Assert.True((double)line.State["CostMs"]! >= 0);
        Assert.False(line.State.ContainsKey("Url"));
    }

    [Fact]
    public async Task AccessLog_Debug_AddsTheSixTuple()
    {
        var logs = new LogCollector();
        await using var app = await KestrelApp.StartAsync(
            a => a.MapGet("/notes/{id}", (string id) => "note " + id).WithName("GetNote"),
            b => b.Logging.AddProvider(logs),
            new Dictionary<string, string?> { ["RedBook:AccessLog:Debug"] = "true" });

        using var response = await app.Client.GetAsync(new Uri("/notes/7?lang=en", UriKind.Relative));
        await Poll.UntilAsync(() => logs.Entries.Any(e => e.Category == "RedBook.AccessLog"), "the access log line");

        var line = logs.Entries.Single(e => e.Category == "RedBook.AccessLog");
        Assert.Equal("note 7", await response.Content.ReadAsStringAsync());
        Assert.Equal("GetNote", line.State["ConfigName"]);
        Assert.Equal("/notes/7?lang=en", line.State["Url"]);
        Assert.Equal("lang=en&id=7", line.State["Parameters"]);
        Assert.Equal("note 7", line.State["Response"]);
        Assert.True((double)line.State["CostMs"]! >= 0);
        Assert.Contains(nameof(TelemetryTests), (string)line.State["Location"]!, StringComparison.Ordinal);
    }
}

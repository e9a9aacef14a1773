using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RedBook.FunctionalTests.Grpc;
using RedBook.FunctionalTests.Grpc.V1;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Grpc.Client;

namespace RedBook.FunctionalTests.ServiceDefaults;

public class TelemetryTests
{
    private static Action<WebApplicationBuilder> Traces(ActivityCollector activities) =>
        b => b.Services.AddOpenTelemetry().WithTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(activities)));

    private static Activity ServerSpan(ActivityCollector activities, string route) =>
        activities.Activities.Single(a => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("http.route") == route);

    [Fact]
    public async Task Request_ProducesServerSpanWithRedBookTagsAndRedMetrics()
    {
        var route = "/telemetry-" + Guid.NewGuid().ToString("N");
        var activities = new ActivityCollector();
        var metrics = new List<MetricSnapshot>();
        await using var app = await KestrelApp.StartAsync(
            a =>
            {
                a.MapGet(route, () => "ok");
                a.MapGet(route + "/missing", () =>
                {
                    throw new RedBookException(new RedBookError(ErrorCode.NotFound, "FEED_NOTE_NOT_FOUND", "gone"));
                });
            },
            b => b.Services.AddOpenTelemetry()
                .WithTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(activities)))
                .WithMetrics(m => m.AddInMemoryExporter(metrics)));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(route, UriKind.Relative));
        request.Headers.Add(RedBookHeaders.CallerApp, "bff");
        request.Headers.Add(RedBookHeaders.Color, "canary");

        using var ok = await app.Client.SendAsync(request);
        using var missing = await app.Client.GetAsync(new Uri(route + "/missing", UriKind.Relative));
        await Poll.UntilAsync(() => activities.Activities.Count(a => (string?)a.GetTagItem("http.route") is { } r && r.StartsWith(route, StringComparison.Ordinal)) == 2, "both server spans");
        app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var span = ServerSpan(activities, route);
        Assert.Equal("Microsoft.AspNetCore", span.Source.Name);
        Assert.Equal("GET " + route, span.DisplayName);
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal("OK", span.GetTagItem("redbook.code"));
        Assert.Equal("bff", span.GetTagItem("redbook.caller"));
        Assert.Equal("canary", span.GetTagItem("redbook.color"));
        var failed = ServerSpan(activities, route + "/missing");
        Assert.Equal(404, failed.GetTagItem("http.response.status_code"));
        Assert.Equal("NOT_FOUND", failed.GetTagItem("redbook.code"));
        Assert.Equal("FEED_NOTE_NOT_FOUND", failed.GetTagItem("redbook.reason"));

        var points = MetricPoints.Of(metrics);
        Assert.Contains(points, p => p.Name == "redbook.server.requests" && (string?)p.Tags["method"] == "GET " + route && (string?)p.Tags["peer"] == "bff" && (string?)p.Tags["code"] == "OK" && p.Value == 1);
        var duration = Assert.Single(points, p => p.Name == "redbook.server.duration" && (string?)p.Tags["method"] == "GET " + route);
        Assert.Equal(1, duration.Value);
        Assert.Equal([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, double.PositiveInfinity], duration.Bounds);
        Assert.Contains(points, p => p.Name == "redbook.server.errors" && (string?)p.Tags["method"] == "GET " + route + "/missing" && (string?)p.Tags["code"] == "NOT_FOUND" && p.Value == 1);
        Assert.DoesNotContain(points, p => p.Name == "redbook.server.errors" && (string?)p.Tags["method"] == "GET " + route);
        Assert.Contains(points, p => p.Name == "http.server.request.duration");
        Assert.Contains(points, p => p.Name == "kestrel.active_connections");
        Assert.Contains(points, p => p.Name == "dotnet.gc.collections");
    }

    [Fact]
    public async Task Probes_AreNotTraced()
    {
        var route = "/traced-" + Guid.NewGuid().ToString("N");
        var activities = new ActivityCollector();
        await using var app = await KestrelApp.StartAsync(a => a.MapGet(route, () => "ok"), Traces(activities));

        using var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative));
        using var alive = await app.Client.GetAsync(new Uri("/alive", UriKind.Relative));
        using var traced = await app.Client.GetAsync(new Uri(route, UriKind.Relative));
        await Poll.UntilAsync(() => activities.Activities.Any(a => (string?)a.GetTagItem("http.route") == route), "the traced request's span");

        Assert.Equal(200, (int)health.StatusCode);
        Assert.Equal(200, (int)alive.StatusCode);
        Assert.DoesNotContain(activities.Activities, a => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("url.path") is "/health" or "/alive");
    }

    [Fact]
    public async Task OutgoingHttp_ClientSpanUnderTheServerSpanAndTheCalleesServerSpanInTheSameTrace()
    {
        var backActivities = new ActivityCollector();
        var frontActivities = new ActivityCollector();
        await using var back = await KestrelApp.StartAsync(a => a.MapGet("/back", () => "pong"), Traces(backActivities));
        await using var front = await KestrelApp.StartAsync(
            a => a.MapGet("/front", async (IHttpClientFactory clients) => await clients.CreateClient("back").GetStringAsync(new Uri(back.BaseAddress, "/back"))),
            Traces(frontActivities));

        Assert.Equal("pong", await front.Client.GetStringAsync(new Uri("/front", UriKind.Relative)));
        await Poll.UntilAsync(() => frontActivities.Activities.Any(a => (string?)a.GetTagItem("http.route") == "/front"), "the front's server span");
        var server = ServerSpan(frontActivities, "/front");
        await Poll.UntilAsync(() => backActivities.Activities.Any(a => a.TraceId == server.TraceId && (string?)a.GetTagItem("http.route") == "/back"), "the back's server span");

        // Every provider in this process listens to every in-process source: the test's own client span is here too.
        var client = Assert.Single(frontActivities.Activities, a => a.ParentSpanId == server.SpanId && a.Kind == ActivityKind.Client);
        Assert.Equal("System.Net.Http", client.Source.Name);
        Assert.Equal(server.SpanId, client.ParentSpanId);
        Assert.Equal(new Uri(back.BaseAddress, "/back").ToString(), client.GetTagItem("url.full"));
        Assert.Equal(200, client.GetTagItem("http.response.status_code"));
        var callee = Assert.Single(backActivities.Activities, a => a.TraceId == server.TraceId && (string?)a.GetTagItem("http.route") == "/back");
        Assert.Equal(client.SpanId, callee.ParentSpanId);
        Assert.Equal("GET /back", callee.DisplayName);
    }

    [Fact]
    public async Task OutgoingGrpc_ClientSpanWithRpcTagsAndBothServerSpansInOneTrace()
    {
        var lastActivities = new ActivityCollector();
        var middleActivities = new ActivityCollector();
        await using var last = await EchoServer.StartAsync("last", register: s => s.AddOpenTelemetry().WithTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(lastActivities))));
        await using var middle = await EchoServer.StartAsync(
            "middle",
            new Dictionary<string, string?> { ["services:echo:grpc:0"] = last.GrpcAddress.ToString() },
            s => s.AddOpenTelemetry().WithTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(middleActivities))).Services
                .AddRedBookGrpcClient<Echo.EchoClient>("echo").Services
                .AddSingleton(sp => new NextHop(sp.GetRequiredService<Echo.EchoClient>())));
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(middle.GrpcAddress);

        var reply = await new Echo.EchoClient(channel).RelayAsync(new SayRequest { Text = "hi" });

        Assert.Equal("hi", reply.Text);
        // Every provider in this process listens to every in-process source (other tests' servers too), so each side
        // is told apart by its port.
        bool IsMiddlesRelay(Activity a) => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("url.path") == "/redbook.test.v1.Echo/Relay" && a.GetTagItem("server.port") is int port && port == middle.GrpcPort;
        await Poll.UntilAsync(() => middleActivities.Activities.Any(IsMiddlesRelay), "the middle's server span");
        var server = Assert.Single(middleActivities.Activities, IsMiddlesRelay);
        await Poll.UntilAsync(() => lastActivities.Activities.Any(a => a.TraceId == server.TraceId && a.Kind == ActivityKind.Server && (string?)a.GetTagItem("url.path") == "/redbook.test.v1.Echo/Say"), "the last hop's server span");
        var grpcClient = Assert.Single(middleActivities.Activities, a => a.ParentSpanId == server.SpanId && a.Kind == ActivityKind.Client && a.GetTagItem("rpc.system.name") is "grpc");
        Assert.Equal("OpenTelemetry.Instrumentation.GrpcNetClient", grpcClient.Source.Name);
        Assert.Equal("redbook.test.v1.Echo/Say", grpcClient.GetTagItem("rpc.method"));
        Assert.Equal("OK", grpcClient.GetTagItem("rpc.response.status_code"));
        Assert.Equal(last.GrpcPort, grpcClient.GetTagItem("network.peer.port"));
        var callee = Assert.Single(lastActivities.Activities, a => a.TraceId == server.TraceId && a.Kind == ActivityKind.Server && (string?)a.GetTagItem("url.path") == "/redbook.test.v1.Echo/Say");
        Assert.Equal(last.GrpcPort, callee.GetTagItem("server.port"));
        Assert.Equal(200, callee.GetTagItem("http.response.status_code"));
        Assert.Equal("middle", callee.GetTagItem("redbook.caller"));
        Assert.Equal(grpcClient.TraceId, callee.TraceId);
    }

    [Fact]
    public async Task Logs_InsideARequest_CarryItsTraceAndSpanIds()
    {
        var activities = new ActivityCollector();
        var records = new ConcurrentQueue<(string? Category, ActivityTraceId TraceId, ActivitySpanId SpanId, string? Message)>();
        await using var app = await KestrelApp.StartAsync(
            a => a.MapGet("/logs", (ILoggerFactory loggers) =>
            {
                loggers.CreateLogger("RedBook.Tests.Handler").LogInformation("handling the note");
                return "ok";
            }),
            b =>
            {
                Traces(activities)(b);
                b.Logging.AddOpenTelemetry(o => o.AddProcessor(new SimpleLogRecordExportProcessor(new LogSink(records))));
            });

        using var response = await app.Client.GetAsync(new Uri("/logs", UriKind.Relative));
        await Poll.UntilAsync(() => activities.Activities.Any(a => (string?)a.GetTagItem("http.route") == "/logs"), "the server span");

        var server = ServerSpan(activities, "/logs");
        var handler = Assert.Single(records, r => r.Category == "RedBook.Tests.Handler");
        Assert.Equal("handling the note", handler.Message);
        Assert.Equal(server.TraceId, handler.TraceId);
        Assert.Equal(server.SpanId, handler.SpanId);
        var access = Assert.Single(records, r => r.Category == "RedBook.AccessLog");
        Assert.Equal(server.TraceId, access.TraceId);
    }

    [Fact]
    public async Task JaegerEndpoint_SecondExporter_SendsTheSpansOverOtlpHttp()
    {
        var received = new ConcurrentQueue<(string? ContentType, byte[] Body)>();
        await using var jaeger = await KestrelApp.StartAsync(a => a.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue((request.ContentType, body.ToArray()));
            return Results.Bytes([], "application/x-protobuf"); // an empty ExportTraceServiceResponse
        }));
        var route = "/jaeger-" + Guid.NewGuid().ToString("N");
        await using var app = await KestrelApp.StartAsync(
            a => a.MapGet(route, () => "ok"),
            settings: new Dictionary<string, string?>
            {
                ["RedBook:Telemetry:JaegerEndpoint"] = jaeger.BaseAddress.ToString(),
                ["RedBook:Telemetry:JaegerProtocol"] = "http/protobuf",
            });

        using var response = await app.Client.GetAsync(new Uri(route, UriKind.Relative));
        var name = Encoding.UTF8.GetBytes("GET " + route);
        await Poll.UntilAsync(
            () =>
            {
                app.App.Services.GetRequiredService<TracerProvider>().ForceFlush(1000);
                return received.Any(r => r.Body.AsSpan().IndexOf(name) >= 0);
            },
            "Jaeger's OTLP receiver gets the server span");

        var export = received.First(r => r.Body.AsSpan().IndexOf(name) >= 0);
        Assert.Equal("application/x-protobuf", export.ContentType);
        Assert.True(export.Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes("Microsoft.AspNetCore")) >= 0);
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

        // A client that sends only the traceparent above (this process's HttpClient spans would inject their own).
        using var caller = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = app.BaseAddress };

        using var response = await caller.SendAsync(request);
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

    /// <summary>Keeps what the test checks of each log record (the SDK reuses its LogRecord objects).</summary>
    private sealed class LogSink(ConcurrentQueue<(string? Category, ActivityTraceId TraceId, ActivitySpanId SpanId, string? Message)> records) : BaseExporter<LogRecord>
    {
        public override ExportResult Export(in Batch<LogRecord> batch)
        {
            foreach (var record in batch)
            {
                records.Enqueue((record.CategoryName, record.TraceId, record.SpanId, record.FormattedMessage));
            }

            return ExportResult.Success;
        }
    }
}

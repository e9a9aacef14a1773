using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RedBook.AppHost.Tests.Integration.Otlp;

/// <summary>A span as a service exported it: its trace, its kind and name, and the service instance that sent it.</summary>
public sealed record ReceivedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, SpanKind Kind, string Service, string Instance);

/// <summary>
/// An OTLP/HTTP trace receiver on Kestrel (127.0.0.1, a free port): <c>POST /v1/traces</c> with a protobuf body, as the
/// services' second trace exporter sends it (<c>RedBook:Telemetry:JaegerEndpoint</c> with <c>JaegerProtocol</c>
/// <c>http/protobuf</c>, the path Jaeger takes in container mode). It keeps every span it is sent.
/// </summary>
public sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private WebApplication? _app;

    /// <summary>The receiver's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every span received so far.</summary>
    public IReadOnlyList<ReceivedSpan> Spans => _spans.ToArray();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
            Receive(ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray()));
            return Results.Bytes(new ExportTraceServiceResponse().ToByteArray(), "application/x-protobuf");
        });
        await app.StartAsync(cancellationToken);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Endpoint = new Uri(address.TrimEnd('/') + "/");
    }

    private void Receive(ExportTraceServiceRequest request)
    {
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var service = Attribute(resourceSpans.Resource, "service.name");
            var instance = Attribute(resourceSpans.Resource, "service.instance.id");
            foreach (var span in resourceSpans.ScopeSpans.SelectMany(s => s.Spans))
            {
                _spans.Enqueue(new ReceivedSpan(
                    Convert.ToHexStringLower(span.TraceId.Span),
                    Convert.ToHexStringLower(span.SpanId.Span),
                    Convert.ToHexStringLower(span.ParentSpanId.Span),
                    span.Name,
                    span.Kind,
                    service,
                    instance));
            }
        }
    }

    private static string Attribute(Resource? resource, string key) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == key)?.Value?.StringValue ?? string.Empty;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

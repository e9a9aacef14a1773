using System.Diagnostics.CodeAnalysis;
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RedBook.ServiceDefaults.Http;

namespace RedBook.Benchmarks.Http;

/// <summary>
/// One GET through three <see cref="HttpClient"/>s from <see cref="IHttpClientFactory"/>, all calling one Kestrel server
/// on 127.0.0.1 in this process: a plain client (the baseline), a client with RedBook's pipeline
/// (<see cref="RedBookHttpClientBuilderExtensions.AddRedBookPipeline"/>: service discovery of the logical name
/// <c>http://bench</c> from configuration, deadline and <c>grpc-timeout</c>, budgeted retry, P2C pick, per-endpoint SRE
/// breaker, metadata headers, client RED metrics), and a client with Microsoft.Extensions.Http.Resilience's
/// <c>AddStandardResilienceHandler()</c> (rate limiter, total timeout, retry, circuit breaker, attempt timeout).
/// Targets: RedBook ≤ 2× the plain client, and below the standard handler.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet calls [GlobalCleanup], which disposes the server and the clients.")]
public class HttpClientBenchmarks
{
    private const string Path = "/ping";
    private WebApplication _server = null!;
    private ServiceProvider _clients = null!;
    private HttpClient _plain = null!;
    private HttpClient _redBook = null!;
    private HttpClient _standard = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.MapGet(Path, static () => "pong");

        // Proves in setup that the RedBook client really ran its pipeline: the request carries the deadline and caller headers.
        _server.MapGet("/headers", static (HttpRequest request) =>
            request.Headers.ContainsKey("grpc-timeout") && request.Headers.ContainsKey("x-md-caller") ? "pipeline" : "plain");
        _server.StartAsync().GetAwaiter().GetResult();
        var address = new Uri(_server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["services:bench:http:0"] = address.ToString(),
                ["OTEL_SERVICE_NAME"] = "bench-caller",

                // The standard handler's attempt timeout (10 s) instead of the 100 ms default, so a cold first call (JIT,
                // connection set-up) on a loaded machine does not fail the setup; the success path costs the same.
                ["RedBook:Clients:redbook:Deadline:DefaultTimeout"] = "00:00:10",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddHttpClient("plain", c => c.BaseAddress = address);
        services.AddHttpClient("redbook", static c => c.BaseAddress = new Uri("http://bench")).AddRedBookPipeline();
        services.AddHttpClient("standard", c => c.BaseAddress = address).AddStandardResilienceHandler();
        _clients = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var factory = _clients.GetRequiredService<IHttpClientFactory>();
        _plain = factory.CreateClient("plain");
        _redBook = factory.CreateClient("redbook");
        _standard = factory.CreateClient("standard");

        Check(_plain, "plain");
        Check(_redBook, "pipeline");
        Check(_standard, "plain");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _redBook.Dispose();
        _standard.Dispose();
        _clients.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<HttpStatusCode> Plain() => Get(_plain);

    [Benchmark]
    public Task<HttpStatusCode> RedBookPipeline() => Get(_redBook);

    [Benchmark]
    public Task<HttpStatusCode> StandardResilienceHandler() => Get(_standard);

    private static async Task<HttpStatusCode> Get(HttpClient client)
    {
        using var response = await client.GetAsync(Path).ConfigureAwait(false);
        await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
        return response.StatusCode;
    }

    private static void Check(HttpClient client, string expected)
    {
        var answer = client.GetStringAsync("/headers").GetAwaiter().GetResult();
        if (answer != expected)
        {
            throw new InvalidOperationException($"The client with base address {client.BaseAddress} answered '{answer}', expected '{expected}'.");
        }
    }
}

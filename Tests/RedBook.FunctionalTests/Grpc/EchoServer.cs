using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RedBook.FunctionalTests.Grpc.V1;
using RedBook.FunctionalTests.ServiceDefaults;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Grpc;
using RedBook.ServiceDefaults.Metadata;

namespace RedBook.FunctionalTests.Grpc;

/// <summary>A real service on loopback with the service defaults, <c>AddRedBookGrpc</c> and its h2c endpoint (<c>RedBook:Grpc:Port</c>).</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private EchoServer(KestrelApp app, int grpcPort, EchoCounters counters)
    {
        App = app;
        GrpcPort = grpcPort;
        Counters = counters;
    }

    public KestrelApp App { get; }

    public int GrpcPort { get; }

    /// <summary>The h2c endpoint: <c>http://127.0.0.1:{GrpcPort}</c>.</summary>
    public Uri GrpcAddress => new($"http://127.0.0.1:{GrpcPort}");

    public EchoCounters Counters { get; }

    public static async Task<EchoServer> StartAsync(string name, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? register = null)
    {
        var port = FreePort();
        var counters = new EchoCounters();
        var configuration = new Dictionary<string, string?>
        {
            ["RedBook:Grpc:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RedBook:Grpc:Host"] = "127.0.0.1",
            ["RedBook:Grpc:Health:WatchInterval"] = "00:00:01",
            ["OTEL_SERVICE_NAME"] = name,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = await KestrelApp.StartAsync(
            web =>
            {
                web.MapGrpcService<EchoService>();
                web.MapRedBookGrpcHealth();
            },
            builder =>
            {
                builder.Services.AddRedBookGrpc();
                builder.Services.AddSingleton(counters);
                register?.Invoke(builder.Services);
            },
            configuration);
        return new EchoServer(app, port, counters);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What a server counted.</summary>
internal sealed class EchoCounters
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public void Count() => Interlocked.Increment(ref _calls);
}

/// <summary>The next hop of <c>Relay</c>, when the server has one.</summary>
internal sealed class NextHop(Echo.EchoClient client)
{
    public Echo.EchoClient Client { get; } = client;
}

internal sealed class EchoService(EchoCounters counters, IServiceProvider services) : Echo.EchoBase
{
    public override Task<SayReply> Say(SayRequest request, ServerCallContext context)
    {
        counters.Count();
        return Task.FromResult(new SayReply
        {
            Text = request.Text,
            Server = context.GetHttpContext().Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            GrpcTimeout = context.GetHttpContext().Request.Headers[RedBookHeaders.GrpcTimeout].ToString(),
            Color = RequestMetadata.Current?.Color ?? string.Empty,
            Caller = RequestMetadata.Current?.CallerApp ?? string.Empty,
        });
    }

    public override Task<SayReply> Fail(FailRequest request, ServerCallContext context)
    {
        counters.Count();
        switch (request.Kind)
        {
            case "validation":
                new RedBookValidation("TEST_INVALID_ECHO")
                    .Add("text", "Text is required.")
                    .Add("kind", "Kind must name a failure.")
                    .ThrowIfInvalid();
                break;
            case "overloaded":
                throw new RedBookException(RedBookErrors.Overloaded("Too busy.", 250));
            case "unavailable":
                throw new RedBookException(new RedBookError(ErrorCode.Unavailable, "TEST_DOWN", "Down for now."));
            default:
                throw new InvalidOperationException("secret connection string Password=hunter2");
        }

        throw new InvalidOperationException("unreachable");
    }

    public override async Task<SayReply> Relay(SayRequest request, ServerCallContext context)
    {
        counters.Count();
        var next = services.GetRequiredService<NextHop>();
        return await next.Client.SayAsync(request);
    }
}

using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RedBook.FunctionalTests.Grpc.V1;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Grpc.Client;
using RedBook.ServiceDefaults.Metadata;

namespace RedBook.FunctionalTests.Grpc;

/// <summary>Real Kestrel servers on loopback and the real Grpc.Net.Client, through the h2c endpoint and <c>AddRedBookGrpcClient</c>.</summary>
public sealed class GrpcEndToEndTests
{
    private static ServiceProvider ClientFor(IDictionary<string, string?> settings, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddRedBookGrpcClient<Echo.EchoClient>("echo");
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static Dictionary<string, string?> Discovery(params EchoServer[] servers)
    {
        var settings = new Dictionary<string, string?> { ["RedBook:Clients:echo:Deadline:DefaultTimeout"] = "00:00:10" };
        for (var i = 0; i < servers.Length; i++)
        {
            settings[$"services:echo:grpc:{i}"] = servers[i].GrpcAddress.ToString();
        }

        return settings;
    }

    [Fact]
    public async Task GrpcEndpoint_PlainTextHttp2Client_IsServedWhereTheHttpPortAnswersHttp11Required()
    {
        await using var server = await EchoServer.StartAsync("echo");
        using var h2c = GrpcChannel.ForAddress(server.GrpcAddress);
        using var http = GrpcChannel.ForAddress(server.App.BaseAddress);

        var reply = await new Echo.EchoClient(h2c).SayAsync(new SayRequest { Text = "hi" });
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await new Echo.EchoClient(http).SayAsync(new SayRequest { Text = "hi" }));

        Assert.Equal("hi", reply.Text);
        Assert.Contains("HTTP_1_1_REQUIRED", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_CheckAndWatch_AnswerFromTheHealthChecks()
    {
        await using var server = await EchoServer.StartAsync("echo");
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var health = new Health.HealthClient(channel);

        var all = await health.CheckAsync(new HealthCheckRequest { Service = string.Empty });
        var live = await health.CheckAsync(new HealthCheckRequest { Service = "live" });
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await health.CheckAsync(new HealthCheckRequest { Service = "nobody" }));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // the limit only stops a hang
        using var watch = health.Watch(new HealthCheckRequest { Service = string.Empty }, cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, all.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, live.Status);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);
    }

    [Fact]
    public async Task Fail_Validation_CarriesBadRequestAndErrorInfoAndMapsBackToRedBookException()
    {
        await using var server = await EchoServer.StartAsync("echo");
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        await using var sp = ClientFor(Discovery(server));

        var raw = await Assert.ThrowsAsync<RpcException>(async () => await new Echo.EchoClient(channel).FailAsync(new FailRequest { Kind = "validation" }));
        var mapped = await Assert.ThrowsAsync<RedBookException>(async () => await sp.GetRequiredService<Echo.EchoClient>().FailAsync(new FailRequest { Kind = "validation" }));

        var status = raw.GetRpcStatus()!;
        Assert.Equal(StatusCode.InvalidArgument, raw.StatusCode);
        var info = status.GetDetail<ErrorInfo>()!;
        Assert.Equal(("TEST_INVALID_ECHO", "echo"), (info.Reason, info.Domain));
        Assert.Equal(["text", "kind"], status.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
        Assert.Equal(ErrorCode.InvalidArgument, mapped.Error.Code);
        Assert.Equal("TEST_INVALID_ECHO", mapped.Error.Reason);
        Assert.True(mapped.FromDependency);
        Assert.Equal(["text", "kind"], mapped.Error.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task Fail_Overloaded_CarriesRetryInfoAndIsNeverRetried()
    {
        await using var server = await EchoServer.StartAsync("echo");
        await using var sp = ClientFor(Discovery(server));

        var ex = await Assert.ThrowsAsync<RedBookException>(async () => await sp.GetRequiredService<Echo.EchoClient>().FailAsync(new FailRequest { Kind = "overloaded" }));

        Assert.Equal((ErrorCode.Unavailable, WellKnownReasons.Overloaded), (ex.Error.Code, ex.Error.Reason));
        Assert.Equal("250", ex.Error.Metadata[ErrorMetadataKeys.RetryAfterMs]);
        Assert.Equal(1, server.Counters.Calls);
    }

    [Fact]
    public async Task Fail_NonIdempotentUnavailable_IsSentOnce()
    {
        await using var server = await EchoServer.StartAsync("echo");
        await using var sp = ClientFor(Discovery(server));

        var ex = await Assert.ThrowsAsync<RedBookException>(async () => await sp.GetRequiredService<Echo.EchoClient>().FailAsync(new FailRequest { Kind = "unavailable" }));

        Assert.Equal(("TEST_DOWN", 1), (ex.Error.Reason, server.Counters.Calls));
    }

    [Fact]
    public async Task Fail_UnknownException_IsInternalWithoutItsDetails()
    {
        await using var server = await EchoServer.StartAsync("echo");
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);

        var raw = await Assert.ThrowsAsync<RpcException>(async () => await new Echo.EchoClient(channel).FailAsync(new FailRequest { Kind = "boom" }));

        Assert.Equal(StatusCode.Internal, raw.StatusCode);
        Assert.DoesNotContain("hunter2", raw.ToString(), StringComparison.Ordinal);
        Assert.Equal(WellKnownReasons.Internal, raw.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
    }

    [Fact]
    public async Task Relay_DeadlineAndMetadata_PropagateAcrossTwoHopsAndTheDeadlineOnlyShrinks()
    {
        await using var last = await EchoServer.StartAsync("last");
        await using var middle = await EchoServer.StartAsync("middle", Discovery(last), services => services
            .AddRedBookGrpcClient<Echo.EchoClient>("echo").Services
            .AddSingleton(sp => new NextHop(sp.GetRequiredService<Echo.EchoClient>())));
        await using var sp = ClientFor(Discovery(middle));
        var metadata = new RequestMetadata(new Dictionary<string, string> { [RedBookHeaders.Color] = "stress" }, callerApp: null);

        SayReply reply;
        using (RequestMetadata.Use(metadata))
        using (RequestDeadline.Begin(TimeSpan.FromSeconds(2), TimeProvider.System))
        {
            reply = await sp.GetRequiredService<Echo.EchoClient>().RelayAsync(new SayRequest { Text = "hop" });
        }

        Assert.True(GrpcTimeout.TryParse(reply.GrpcTimeout, out var atLastHop), reply.GrpcTimeout);
        Assert.InRange(atLastHop, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2));
        Assert.Equal("stress", reply.Color);
        Assert.Equal("middle", reply.Caller);
    }

    [Fact]
    public async Task Say_ThreeBackends_P2CSpreadsTheLoadOverAll()
    {
        await using var a = await EchoServer.StartAsync("echo");
        await using var b = await EchoServer.StartAsync("echo");
        await using var c = await EchoServer.StartAsync("echo");
        await using var sp = ClientFor(Discovery(a, b, c));
        var client = sp.GetRequiredService<Echo.EchoClient>();

        await Parallel.ForAsync(0, 300, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) => await client.SayAsync(new SayRequest { Text = "x" }, cancellationToken: ct));

        Assert.All(new[] { a, b, c }, s => Assert.True(s.Counters.Calls >= 30, $"a backend got {s.Counters.Calls} of 300"));
    }
}

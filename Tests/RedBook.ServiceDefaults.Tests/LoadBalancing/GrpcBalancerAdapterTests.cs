using Microsoft.Extensions.Time.Testing;
using System.Net;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.LoadBalancing;

namespace RedBook.ServiceDefaults.Tests.LoadBalancing;

public class GrpcBalancerAdapterTests
{
    private sealed record FakeSubchannel(string Name, EndPoint? Address);

    [Theory]
    [InlineData(ErrorCode.Unavailable, true)]
    [InlineData(ErrorCode.DeadlineExceeded, true)]
    [InlineData(ErrorCode.Internal, true)]
    [InlineData(ErrorCode.ResourceExhausted, true)]
    [InlineData(ErrorCode.Ok, false)]
    [InlineData(ErrorCode.Cancelled, false)]
    [InlineData(ErrorCode.NotFound, false)]
    [InlineData(ErrorCode.InvalidArgument, false)]
    [InlineData(ErrorCode.Unknown, false)]
    public void IsEndpointFailure_Code_CountsOnlyHealthFailures(ErrorCode code, bool failure)
        => Assert.Equal(failure, GrpcBalancerAdapter.IsEndpointFailure(code));

    [Theory]
    [InlineData(200, ErrorCode.Ok)]
    [InlineData(400, ErrorCode.Internal)]
    [InlineData(401, ErrorCode.Unauthenticated)]
    [InlineData(403, ErrorCode.PermissionDenied)]
    [InlineData(404, ErrorCode.Unimplemented)]
    [InlineData(429, ErrorCode.Unavailable)]
    [InlineData(502, ErrorCode.Unavailable)]
    [InlineData(503, ErrorCode.Unavailable)]
    [InlineData(504, ErrorCode.Unavailable)]
    [InlineData(500, ErrorCode.Unknown)]
    public void FromHttpStatus_Status_FollowsTheGrpcSpecMapping(int status, ErrorCode expected)
        => Assert.Equal(expected, GrpcBalancerAdapter.FromHttpStatus(status));

    [Fact]
    public void Classify_Exceptions_CancellationDeadlineOrUnavailable()
    {
        Assert.Equal(ErrorCode.Cancelled, GrpcBalancerAdapter.Classify(new OperationCanceledException(), null, deadlineElapsed: false));
        Assert.Equal(ErrorCode.DeadlineExceeded, GrpcBalancerAdapter.Classify(new TaskCanceledException(), null, deadlineElapsed: true));
        Assert.Equal(ErrorCode.Cancelled, GrpcBalancerAdapter.Classify(new HttpRequestException("x", new OperationCanceledException()), null, false));
        Assert.Equal(ErrorCode.Unavailable, GrpcBalancerAdapter.Classify(new HttpRequestException("connection refused"), null, false));
        Assert.Equal(ErrorCode.Unavailable, GrpcBalancerAdapter.Classify(new IOException("reset"), new GrpcResponseSignals(200, ErrorCode.Ok, double.NaN), false));
    }

    [Fact]
    public void Classify_Response_GrpcStatusWinsOverHttpStatus()
    {
        Assert.Equal(ErrorCode.ResourceExhausted, GrpcBalancerAdapter.Classify(null, new GrpcResponseSignals(200, ErrorCode.ResourceExhausted, double.NaN), false));
        Assert.Equal(ErrorCode.Unavailable, GrpcBalancerAdapter.Classify(null, new GrpcResponseSignals(503, null, double.NaN), false));
        Assert.Equal(ErrorCode.Ok, GrpcBalancerAdapter.Classify(null, new GrpcResponseSignals(200, null, double.NaN), false));
        Assert.Equal(ErrorCode.Ok, GrpcBalancerAdapter.Classify(null, null, false));
    }

    [Theory]
    [InlineData("14", "250", ErrorCode.Unavailable, 0.25)]
    [InlineData("0", null, ErrorCode.Ok, double.NaN)]
    [InlineData("17", "1001", null, double.NaN)]
    [InlineData("x", "-5", null, double.NaN)]
    [InlineData(null, "1000", null, 1.0)]
    public void ReadSignals_Headers_ParsesStatusAndCpuAndIgnoresGarbage(string? grpcStatus, string? cpu, ErrorCode? expectedStatus, double expectedCpu)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        if (grpcStatus is not null)
        {
            response.Headers.TryAddWithoutValidation(GrpcBalancerAdapter.GrpcStatusHeader, grpcStatus);
        }

        if (cpu is not null)
        {
            response.Headers.TryAddWithoutValidation(LoadBalancingConstants.ServerCpuHeader, cpu);
        }

        var signals = GrpcBalancerAdapter.ReadSignals(200, response.Headers);

        Assert.Equal(200, signals.HttpStatus);
        Assert.Equal(expectedStatus, signals.GrpcStatus);
        Assert.Equal(expectedCpu, signals.ServerCpu);
    }

    [Fact]
    public void RequestTimeout_Header_ParsedOrNullWhenMissingOrMalformed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/svc/Method");
        Assert.Null(GrpcBalancerAdapter.RequestTimeout(request));
        Assert.Null(GrpcBalancerAdapter.RequestTimeout(null));

        request.Headers.TryAddWithoutValidation("grpc-timeout", "250m");
        Assert.Equal(TimeSpan.FromMilliseconds(250), GrpcBalancerAdapter.RequestTimeout(request));

        using var malformed = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/svc/Method");
        malformed.Headers.TryAddWithoutValidation("grpc-timeout", "123456789S");
        Assert.Null(GrpcBalancerAdapter.RequestTimeout(malformed));
    }

    [Fact]
    public void AddressKey_DnsAndIpEndPoints_HostColonPort()
    {
        Assert.Equal("feed-api:5000", GrpcBalancerAdapter.AddressKey(new DnsEndPoint("feed-api", 5000)));
        Assert.Equal("127.0.0.1:7001", GrpcBalancerAdapter.AddressKey(new IPEndPoint(IPAddress.Loopback, 7001)));
    }

    [Fact]
    public void ToBalancerEndpoints_Subchannels_KeyedByAddressSkippingAddressless()
    {
        var a = new FakeSubchannel("a", new DnsEndPoint("10.0.0.1", 80));
        var none = new FakeSubchannel("none", null);
        var b = new FakeSubchannel("b", new DnsEndPoint("10.0.0.2", 80));

        var endpoints = GrpcBalancerAdapter.ToBalancerEndpoints([a, none, b], static s => s.Address);

        Assert.Equal(["10.0.0.1:80", "10.0.0.2:80"], endpoints.Select(e => e.Key));
        Assert.Same(a, endpoints[0].Value);
        Assert.All(endpoints, e => Assert.Equal(100, e.Weight));
    }

    [Fact]
    public void ToBalancerEndpoints_PickerRebuildWithNewSubchannelObjects_KeepsStatsOfSameAddress()
    {
        // grpc-dotnet hands CreatePicker a fresh list on every state change; statistics must follow the address.
        var time = new FakeTimeProvider();
        using var balancer = new P2CBalancer<FakeSubchannel>("svc", new P2CBalancerOptions(), time, 7);
        var first = new FakeSubchannel("a", new DnsEndPoint("10.0.0.1", 80));
        balancer.UpdateEndpoints(GrpcBalancerAdapter.ToBalancerEndpoints([first], static s => s.Address));
        balancer.Complete(balancer.Pick(), new PickFeedback(true, TimeSpan.Zero)); // the warm-up call, not sampled
        time.Advance(TimeSpan.FromMinutes(1)); // a sample long after the previous completion takes its full weight
        var pick = balancer.Pick();
        time.Advance(TimeSpan.FromMilliseconds(40));
        balancer.Complete(pick, PickFeedback.Succeeded);

        var again = new FakeSubchannel("a'", new DnsEndPoint("10.0.0.1", 80));
        var other = new FakeSubchannel("b", new DnsEndPoint("10.0.0.2", 80));
        balancer.UpdateEndpoints(GrpcBalancerAdapter.ToBalancerEndpoints([again, other], static s => s.Address));

        var snapshot = balancer.GetSnapshot();
        Assert.Same(again, snapshot[0].Endpoint);
        Assert.Equal(0.040, snapshot[0].Latency.TotalSeconds, 6);
        Assert.Equal(2, snapshot[0].Picks);
        Assert.Equal(0, snapshot[1].Picks);
    }
}

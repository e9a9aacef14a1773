using Microsoft.Extensions.Time.Testing;
using System.Net;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.LoadBalancing;

namespace RedBook.ServiceDefaults.Tests.LoadBalancing;

public class BalancerCallTrackerTests
{
    private readonly FakeTimeProvider _time = new();

    private P2CBalancer<string> CreateBalancer()
    {
        var balancer = new P2CBalancer<string>("svc", new P2CBalancerOptions(), _time, 3);
        balancer.UpdateEndpoints(new[] { new BalancerEndpoint<string>("only", "only") });
        balancer.Complete(balancer.Pick(), new PickFeedback(true, TimeSpan.Zero)); // the warm-up call, whose latency is not sampled
        _time.Advance(TimeSpan.FromMinutes(1)); // long enough for the next sample to replace the warm-up's success
        return balancer;
    }

    private static HttpRequestMessage Request(string? grpcTimeout = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:5000/feed.Feed/Get");
        if (grpcTimeout is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", grpcTimeout);
        }

        return request;
    }

    [Fact]
    public void Complete_AfterStart_ReportsLatencyFromStartAndSuccess()
    {
        using var balancer = CreateBalancer();
        using var request = Request();
        var tracker = new BalancerCallTracker<string>(balancer, balancer.Pick(), _time, request);
        _time.Advance(TimeSpan.FromMilliseconds(5)); // connect wait before the send: not the server's latency
        tracker.Start();
        _time.Advance(TimeSpan.FromMilliseconds(30));

        tracker.Complete(null);

        var snapshot = balancer.GetSnapshot()[0];
        Assert.Equal(ErrorCode.Ok, tracker.Outcome);
        Assert.Equal(0.030, snapshot.Latency.TotalSeconds, 6);
        Assert.Equal(1.0, snapshot.SuccessRate, 9);
        Assert.Equal(0, snapshot.InFlight);
    }

    [Fact]
    public void Complete_WithoutStart_MeasuresFromThePick()
    {
        using var balancer = CreateBalancer();
        var tracker = new BalancerCallTracker<string>(balancer, balancer.Pick(), _time, null);
        _time.Advance(TimeSpan.FromMilliseconds(12));

        tracker.Complete(new HttpRequestException("connection refused"));

        var snapshot = balancer.GetSnapshot()[0];
        Assert.Equal(ErrorCode.Unavailable, tracker.Outcome);
        Assert.Equal(0.0, snapshot.SuccessRate, 9); // a sample a minute after the warm-up replaces it
        Assert.Equal(0.012, snapshot.Latency.TotalSeconds, 6);
    }

    [Fact]
    public void Start_UnstartedPick_CountsTheCallInFlightUntilComplete()
    {
        using var balancer = CreateBalancer();
        var started = new BalancerCallTracker<string>(balancer, balancer.PickUnstarted(), _time, null);
        var neverStarted = new BalancerCallTracker<string>(balancer, balancer.PickUnstarted(), _time, null);
        Assert.Equal(0, balancer.GetSnapshot()[0].InFlight); // a pick grpc-dotnet drops must not count

        started.Start();
        Assert.Equal(1, balancer.GetSnapshot()[0].InFlight);
        started.Complete(null);
        neverStarted.Complete(new HttpRequestException("refused")); // completed without a start: counted, then completed

        Assert.Equal(0, balancer.GetSnapshot()[0].InFlight);
    }

    [Fact]
    public void Complete_Twice_ReportsOnce()
    {
        using var balancer = CreateBalancer();
        var first = new BalancerCallTracker<string>(balancer, balancer.Pick(), _time, null);
        var second = balancer.Pick();
        Assert.Equal(2, balancer.GetSnapshot()[0].InFlight);

        first.Complete(null);
        first.Complete(new IOException());

        Assert.Equal(1, balancer.GetSnapshot()[0].InFlight);
        Assert.Equal(ErrorCode.Ok, first.Outcome);
        balancer.Complete(second, PickFeedback.Succeeded);
    }

    [Theory]
    [InlineData("100m", 100, ErrorCode.DeadlineExceeded, 0.0)]
    [InlineData("100m", 60, ErrorCode.Cancelled, 1.0)]
    [InlineData(null, 500, ErrorCode.Cancelled, 1.0)]
    public void Complete_Cancelled_DeadlineExceededOnlyWhenTheTimeoutElapsed(string? timeout, int elapsedMs, ErrorCode expected, double success)
    {
        using var balancer = CreateBalancer();
        using var request = Request(timeout);
        var tracker = new BalancerCallTracker<string>(balancer, balancer.Pick(), _time, request);
        tracker.Start();
        _time.Advance(TimeSpan.FromMilliseconds(elapsedMs));

        tracker.Complete(new TaskCanceledException());

        Assert.Equal(expected, tracker.Outcome);
        Assert.Equal(success, balancer.GetSnapshot()[0].SuccessRate, 9);
    }

    [Fact]
    public async Task Complete_AfterFeedbackHandler_UsesGrpcStatusAndServerCpu()
    {
        using var balancer = CreateBalancer();
        using var handler = new GrpcBalancerFeedbackHandler(new StubHandler(static response =>
        {
            response.Headers.TryAddWithoutValidation("grpc-status", "8");
            response.Headers.TryAddWithoutValidation(LoadBalancingConstants.ServerCpuHeader, "900");
        }));
        using var invoker = new HttpMessageInvoker(handler);
        using var request = Request();
        var tracker = new BalancerCallTracker<string>(balancer, balancer.Pick(), _time, request);
        tracker.Start();

        using var response = await invoker.SendAsync(request, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(20));
        tracker.Complete(null);

        var snapshot = balancer.GetSnapshot()[0];
        Assert.Equal(ErrorCode.ResourceExhausted, tracker.Outcome);
        Assert.Equal(0.0, snapshot.SuccessRate, 9);
        Assert.Equal(0.9, snapshot.ServerCpu, 9);
    }

    [Fact]
    public async Task FeedbackHandler_NotFoundTrailersOnly_CountsAsHealthy()
    {
        using var balancer = CreateBalancer();
        using var handler = new GrpcBalancerFeedbackHandler(new StubHandler(static response => response.Headers.TryAddWithoutValidation("grpc-status", "5")));
        using var invoker = new HttpMessageInvoker(handler);
        using var request = Request();
        var tracker = new BalancerCallTracker<string>(balancer, balancer.Pick(), _time, request);

        using var response = await invoker.SendAsync(request, CancellationToken.None);
        tracker.Complete(null);

        Assert.Equal(ErrorCode.NotFound, tracker.Outcome);
        Assert.Equal(1.0, balancer.GetSnapshot()[0].SuccessRate, 9);
        Assert.True(double.IsNaN(balancer.GetSnapshot()[0].ServerCpu));
    }

    private sealed class StubHandler(Action<HttpResponseMessage> shape) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };
            shape(response);
            return Task.FromResult(response);
        }
    }
}

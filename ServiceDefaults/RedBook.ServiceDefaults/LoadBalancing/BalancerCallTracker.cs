using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>
/// Completes one pick of an <see cref="ILoadBalancer{TEndpoint}"/> for a transport that reports a call's start and
/// end (grpc-dotnet's <c>ISubchannelCallTracker</c>): the call counts in flight from <see cref="Start"/> (for a pick of
/// <see cref="ILoadBalancer{TEndpoint}.PickUnstarted"/>, so a pick the transport drops leaks nothing), latency from
/// <see cref="Start"/> (or from the pick, when the transport never started the call) to <see cref="Complete"/> on the
/// balancer's <see cref="TimeProvider"/>,
/// success by <see cref="GrpcBalancerAdapter.Classify"/> and <see cref="GrpcBalancerAdapter.IsEndpointFailure"/>, and
/// the server CPU recorded by <see cref="GrpcBalancerFeedbackHandler"/>.
/// </summary>
/// <typeparam name="TEndpoint">The endpoint type.</typeparam>
/// <remarks>grpc-dotnet completes a call when its response headers arrive (or its send fails), so for a streaming
/// call the latency is the time to the response headers. Completing twice reports once.</remarks>
public sealed class BalancerCallTracker<TEndpoint>
    where TEndpoint : class
{
    private readonly ILoadBalancer<TEndpoint> _balancer;
    private readonly PickResult<TEndpoint> _pick;
    private readonly TimeProvider _timeProvider;
    private readonly HttpRequestMessage? _request;
    private long _start;
    private int _started;
    private int _completed;

    /// <summary>Creates the tracker of <paramref name="pick"/>.</summary>
    /// <param name="balancer">The balancer that made the pick.</param>
    /// <param name="pick">The pick.</param>
    /// <param name="timeProvider">The balancer's clock.</param>
    /// <param name="request">The call's HTTP request (its <c>grpc-timeout</c> and recorded response signals are read), if known.</param>
    public BalancerCallTracker(ILoadBalancer<TEndpoint> balancer, in PickResult<TEndpoint> pick, TimeProvider timeProvider, HttpRequestMessage? request)
    {
        ArgumentNullException.ThrowIfNull(balancer);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _balancer = balancer;
        _pick = pick;
        _timeProvider = timeProvider;
        _request = request;
        _start = pick.StartTimestamp;
    }

    /// <summary>The status the call was classified with, once completed.</summary>
    public ErrorCode? Outcome { get; private set; }

    /// <summary>Marks the start of the call: it counts in flight, and the latency is measured from here.</summary>
    public void Start()
    {
        Volatile.Write(ref _start, _timeProvider.GetTimestamp());
        EnsureStarted();
    }

    /// <summary>Reports the call's end to the balancer (once; later calls do nothing).</summary>
    /// <param name="error">The exception the transport raised, or null when response headers arrived.</param>
    public void Complete(Exception? error)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return;
        }

        EnsureStarted(); // a transport that completes a call it never started: count it first, so the counts balance.
        var latency = _timeProvider.GetElapsedTime(Volatile.Read(ref _start));
        GrpcResponseSignals? signals = _request is not null && _request.Options.TryGetValue(GrpcBalancerFeedbackHandler.SignalsKey, out var recorded)
            ? recorded
            : null;
        var deadlineElapsed = GrpcBalancerAdapter.RequestTimeout(_request) is { } timeout && latency >= timeout;
        var code = GrpcBalancerAdapter.Classify(error, signals, deadlineElapsed);
        Outcome = code;
        _balancer.Complete(_pick, new PickFeedback(!GrpcBalancerAdapter.IsEndpointFailure(code), latency, signals?.ServerCpu ?? double.NaN));
    }

    private void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _balancer.Start(_pick);
        }
    }
}

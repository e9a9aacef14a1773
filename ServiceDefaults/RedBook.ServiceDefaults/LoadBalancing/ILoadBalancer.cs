namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>
/// The one picker abstraction of RedBook: a client-side load balancer over a dynamic set of endpoints. The HTTP
/// client pipeline drives it from a <c>DelegatingHandler</c> (pick, send, complete), and a gRPC
/// <c>SubchannelPicker</c> drives it with <typeparamref name="TEndpoint"/> = <c>Subchannel</c> (pick in
/// <c>Pick(PickContext)</c>, complete in the call tracker's <c>Complete</c>).
/// </summary>
/// <typeparam name="TEndpoint">What is picked: a <c>ServiceEndpoint</c>, a gRPC subchannel, a test double.</typeparam>
/// <remarks>
/// <para>Every <see cref="Pick()"/> that returns an endpoint must be followed by exactly one
/// <see cref="Complete(in PickResult{TEndpoint}, in PickFeedback)"/>, or the endpoint's in-flight count leaks. A transport
/// that may drop a pick without a word picks with <see cref="PickUnstarted"/> and reports the calls it does start with
/// <see cref="Start"/>.</para>
/// <para>Implementations are thread-safe. Picks read an immutable snapshot of the endpoint set; updates replace the
/// snapshot (copy-on-write) and keep the statistics of endpoints that stay.</para>
/// </remarks>
public interface ILoadBalancer<TEndpoint>
    where TEndpoint : class
{
    /// <summary>The logical name of the balanced service (a metric tag).</summary>
    string Name { get; }

    /// <summary>The number of endpoints in the current set.</summary>
    int Count { get; }

    /// <summary>Picks an endpoint for one call. Returns a result with <see cref="PickResult{TEndpoint}.HasEndpoint"/> false when the set is empty.</summary>
    PickResult<TEndpoint> Pick();

    /// <summary>
    /// Picks an endpoint for one call that starts at <paramref name="timestamp"/> (a <see cref="TimeProvider.GetTimestamp"/>
    /// value of the balancer's clock), for a caller that has just read the clock anyway (a client pipeline computing its
    /// deadline): the pick then reads no clock.
    /// </summary>
    PickResult<TEndpoint> Pick(long timestamp);

    /// <summary>
    /// Picks an endpoint for a call that the transport starts later, or never: the call counts in flight from
    /// <see cref="Start"/>, not from the pick, so a dropped pick leaks nothing. grpc-dotnet's connection manager drops a
    /// pick whose subchannel left Ready after the picker was built (it waits for the next picker and picks again) and
    /// reports only the calls it sends (<c>ISubchannelCallTracker.Start</c>).
    /// </summary>
    PickResult<TEndpoint> PickUnstarted();

    /// <summary>
    /// Counts the call of a <see cref="PickUnstarted"/> pick in flight: the transport started it. Call it once, before
    /// <see cref="Complete(in PickResult{TEndpoint}, in PickFeedback)"/>; for a pick of <see cref="Pick()"/> (already
    /// counted) it does nothing.
    /// </summary>
    void Start(in PickResult<TEndpoint> pick);

    /// <summary>Reports how the call that <paramref name="pick"/> started ended. Safe to call with a result that has no endpoint.</summary>
    void Complete(in PickResult<TEndpoint> pick, in PickFeedback feedback);

    /// <summary>
    /// Replaces the endpoint set. Endpoints whose <see cref="BalancerEndpoint{TEndpoint}.Key"/> stays keep their
    /// statistics (latency, success, in-flight); new ones start fresh (and slow-start, where the balancer does);
    /// missing ones are dropped. A later duplicate key wins.
    /// </summary>
    void UpdateEndpoints(ReadOnlySpan<BalancerEndpoint<TEndpoint>> endpoints);

    /// <summary>A point-in-time copy of every endpoint's statistics, for diagnostics and tests.</summary>
    IReadOnlyList<EndpointSnapshot<TEndpoint>> GetSnapshot();
}

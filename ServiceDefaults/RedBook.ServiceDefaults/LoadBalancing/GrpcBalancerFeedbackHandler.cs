namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>
/// A <see cref="DelegatingHandler"/> that records the response signals (<see cref="GrpcResponseSignals"/>) of every
/// call on its request, where <see cref="BalancerCallTracker{TEndpoint}"/> reads them when the call completes.
/// grpc-dotnet's balancer handler wraps the channel's <c>HttpHandler</c>, so this handler, placed in that chain,
/// runs inside the pick and before the tracker's completion.
/// </summary>
public sealed class GrpcBalancerFeedbackHandler : DelegatingHandler
{
    /// <summary>The request option under which the response signals are recorded.</summary>
    public static readonly HttpRequestOptionsKey<GrpcResponseSignals> SignalsKey = new("RedBook.LoadBalancing.ResponseSignals");

    /// <summary>Creates the handler without an inner handler (set <see cref="DelegatingHandler.InnerHandler"/>).</summary>
    public GrpcBalancerFeedbackHandler()
    {
    }

    /// <summary>Creates the handler over <paramref name="innerHandler"/>.</summary>
    public GrpcBalancerFeedbackHandler(HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        request.Options.Set(SignalsKey, GrpcBalancerAdapter.ReadSignals((int)response.StatusCode, response.Headers));
        return response;
    }
}

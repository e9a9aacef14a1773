using Polly;
using RedBook.ServiceDefaults.Discovery;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.LoadBalancing;
using RedBook.ServiceDefaults.Metadata;
using RedBook.ServiceDefaults.Resilience;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// The first stage of every attempt: resolves the logical service, picks an endpoint, records it in the context
/// (<see cref="ClientResilienceKeys.Endpoint"/>, and <see cref="RedBookResilienceKeys.BreakerKey"/> so the breaker
/// below keys its throttle on the endpoint) for the breaker and the sender, and, when the attempt
/// ends, reports its latency, success and the server's CPU back to the balancer. It sits inside the retry stage,
/// so a retry re-picks. Requests to concrete hosts pass straight through.
/// </summary>
internal sealed class EndpointPickStrategy(ClientRuntime runtime) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        if (!context.Properties.TryGetValue(ClientResilienceKeys.OriginalUri, out var uri) || !ServiceAddress.IsLogical(uri))
        {
            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        var (balancer, error, defaultScheme) = await runtime.GetBalancerAsync(uri, ColorOf(context), context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        if (balancer is null)
        {
            return Outcome.FromException<HttpResponseMessage>(new RedBookException(error!));
        }

        var pick = balancer.Pick();
        if (!pick.HasEndpoint)
        {
            return Outcome.FromException<HttpResponseMessage>(new RedBookException(new RedBookError(
                ErrorCode.Unavailable,
                LoadBalancingConstants.NoEndpointsReason,
                $"The service '{uri.IdnHost}' has no endpoint left to pick.")));
        }

        // A host or IP endpoint (no scheme of its own) takes the address's most preferred scheme, as the library's handler does.
        var target = runtime.TargetOf(pick.Endpoint!, defaultScheme!);
        if (target is null)
        {
            balancer.Complete(pick, PickFeedback.Failed);
            return Outcome.FromException<HttpResponseMessage>(new RedBookException(new RedBookError(
                ErrorCode.Unavailable,
                LoadBalancingConstants.NoEndpointsReason,
                $"The service '{uri.IdnHost}' resolved to an endpoint that is not an address: {pick.Endpoint!.EndPoint}.")));
        }

        context.Properties.Set(ClientResilienceKeys.Endpoint, pick.Endpoint!);
        context.Properties.Set(ClientResilienceKeys.EndpointAddress, target.Address);
        context.Properties.Set(RedBookResilienceKeys.BreakerKey, target.BreakerKey);
        var outcome = default(Outcome<HttpResponseMessage>);
        var completed = false;
        try
        {
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
            completed = true;
        }
        finally
        {
            // Exactly one completion per pick, or the endpoint's in-flight count leaks.
            balancer.Complete(pick, completed ? new PickFeedback(IsSuccess(outcome), serverCpu: ServerCpu(outcome)) : PickFeedback.Failed);
        }

        return outcome;
    }

    /// <summary>The request's traffic colour: its own <c>x-md-global-color</c> header, else the ambient metadata's.</summary>
    private static string? ColorOf(ResilienceContext context)
    {
        if (context.Properties.TryGetValue(ClientResilienceKeys.Request, out var request)
            && request.Headers.NonValidated.TryGetValues(RedBookHeaders.Color, out var values))
        {
            foreach (var value in values)
            {
                return value;
            }
        }

        return RequestMetadata.Current?.Color;
    }

    /// <summary>An attempt succeeded for the balancer's purposes when it got a response below 500.</summary>
    internal static bool IsSuccess(in Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is null && outcome.Result is { } r && (int)r.StatusCode < 500;

    /// <summary>The server's CPU from <see cref="LoadBalancingConstants.ServerCpuHeader"/>, or NaN.</summary>
    private static double ServerCpu(in Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Result is { } response
            && response.Headers.NonValidated.TryGetValues(LoadBalancingConstants.ServerCpuHeader, out var values))
        {
            foreach (var value in values)
            {
                return PickFeedback.ParseServerCpu(value);
            }
        }

        return double.NaN;
    }
}

using Polly;
using RedBook.ServiceDefaults.Discovery;
using RedBook.ServiceDefaults.Errors;
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
internal sealed class EndpointPickStrategy(ClientRuntime runtime, TimeProvider timeProvider) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        if (!context.Properties.TryGetValue(ClientResilienceKeys.OriginalUri, out var uri) || !ServiceEndpointResolver.IsLogicalAddress(uri))
        {
            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        var balancer = runtime.GetBalancer(uri, ColorOf(context), out var error);
        if (balancer is null)
        {
            return Outcome.FromException<HttpResponseMessage>(new RedBookException(error!));
        }

        var pick = balancer.Pick();
        context.Properties.Set(ClientResilienceKeys.Endpoint, pick.Endpoint);
        context.Properties.Set(RedBookResilienceKeys.BreakerKey, runtime.BreakerKeyOf(pick.Endpoint));
        var started = timeProvider.GetTimestamp();
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        pick.Completion?.Complete(timeProvider.GetElapsedTime(started), IsSuccess(outcome), ServerCpu(outcome));
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

    private static int? ServerCpu(in Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Result is { } response
            && response.Headers.TryGetValues(ClientHeaders.ServerCpu, out var values)
            && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cpu)
            && cpu is >= 0 and <= 1000)
        {
            return cpu;
        }

        return null;
    }
}

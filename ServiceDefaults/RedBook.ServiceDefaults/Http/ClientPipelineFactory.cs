using Polly;
using RedBook.ServiceDefaults.Breaker;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Retry;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Builds a client's <see cref="ResiliencePipeline{T}"/> once from its options (never per request). Outer to inner:
/// <list type="number">
/// <item>deadline: the call's budget (the ambient deadline, or the default timeout) shrunk by the reserve; fails fast
/// below the minimum and cancels the whole call, retries included, when the budget runs out;</item>
/// <item>budgeted retry: idempotent calls only (GET, HEAD, OPTIONS, TRACE, PUT, DELETE, or an
/// <c>Idempotency-Key</c>), transient outcomes only, never the overloaded error, within the client's retry budget
/// (shared by every call of the client and kept across configuration reloads);</item>
/// <item>endpoint pick, per attempt, so a retry re-picks;</item>
/// <item>the SRE breaker of the picked endpoint (one throttle per client and endpoint, kept across reloads).</item>
/// </list>
/// The sender (the pipeline's callback) then writes <c>grpc-timeout</c> from the budget left at that moment (failing
/// fast if it fell below the minimum during retries) and the metadata, and sends.
/// </summary>
internal static class ClientPipelineFactory
{
    public static ResiliencePipeline<HttpResponseMessage> Build(ClientRuntime runtime, ClientPipelineParts parts)
    {
        var options = runtime.Options;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>
        {
            Name = "RedBook.Client",
            InstanceName = runtime.Name,
            TimeProvider = parts.TimeProvider,
        };

        if (options.Deadline.Enabled)
        {
            builder.AddDeadline(DeadlineOptions(runtime.Name, options.Deadline));
        }

        if (options.Retry.Enabled)
        {
            builder.AddBudgetedRetry(RetryOptions(runtime.Name, options.Retry, parts.RetryBudgets));
        }

        if (options.LoadBalancing.Enabled)
        {
            builder.AddStrategy(_ => new EndpointPickStrategy(runtime), new EndpointPickStrategyOptions());
        }

        if (options.Breaker.Enabled)
        {
            builder.AddSreBreaker(BreakerOptions(runtime.Name, options.Breaker, parts.Throttles));
        }

        return builder.Build();
    }

    /// <summary>The smallest budget the client calls with (its own knob, else the deadline strategy's default).</summary>
    public static TimeSpan MinimumBudget(ClientDeadlineOptions knobs) => knobs.Minimum ?? DeadlineConstants.DefaultMinimumBudget;

    internal static DeadlineStrategyOptions DeadlineOptions(string clientName, ClientDeadlineOptions knobs)
    {
        var options = new DeadlineStrategyOptions { Name = $"{clientName}.Deadline" };
        if (knobs.DefaultTimeout is { } timeout)
        {
            options.DefaultTimeout = timeout;
        }

        if (knobs.Reserve is { } reserve)
        {
            options.Reserve = reserve;
        }

        if (knobs.Minimum is { } minimum)
        {
            options.MinimumBudget = minimum;
        }

        return options;
    }

    internal static BudgetedRetryStrategyOptions<HttpResponseMessage> RetryOptions(string clientName, ClientRetryOptions knobs, IRetryBudgetProvider budgets)
    {
        var options = new BudgetedRetryStrategyOptions<HttpResponseMessage>();
        ApplyRetry(options, clientName, knobs, budgets);
        return options;
    }

    internal static SreBreakerStrategyOptions<HttpResponseMessage> BreakerOptions(string clientName, ClientBreakerOptions knobs, ISreThrottleProvider throttles)
    {
        var options = new SreBreakerStrategyOptions<HttpResponseMessage>();
        ApplyBreaker(options, clientName, knobs, throttles);
        return options;
    }

    /// <summary>
    /// The pipeline of a gRPC client's calls (its interceptor runs it; results of any type): deadline, budgeted retry of
    /// idempotent methods, and the client's SRE breaker (one per client: the channel's balancer, not the pipeline, picks
    /// the endpoint, so the per-endpoint health signal there is P2C's success EWMA).
    /// </summary>
    public static ResiliencePipeline BuildGrpc(ClientRuntime runtime, ClientPipelineParts parts)
    {
        var options = runtime.Options;
        var builder = new ResiliencePipelineBuilder { Name = "RedBook.GrpcClient", InstanceName = runtime.Name, TimeProvider = parts.TimeProvider };
        if (options.Deadline.Enabled)
        {
            builder.AddDeadline(DeadlineOptions(runtime.Name, options.Deadline));
        }

        if (options.Retry.Enabled)
        {
            var retry = new BudgetedRetryStrategyOptions();
            ApplyRetry(retry, runtime.Name, options.Retry, parts.RetryBudgets);
            builder.AddBudgetedRetry(retry);
        }

        if (options.Breaker.Enabled)
        {
            var breaker = new SreBreakerStrategyOptions();
            ApplyBreaker(breaker, runtime.Name, options.Breaker, parts.Throttles);
            builder.AddSreBreaker(breaker);
        }

        return builder.Build();
    }

    private static void ApplyRetry<TResult>(BudgetedRetryStrategyOptions<TResult> options, string clientName, ClientRetryOptions knobs, IRetryBudgetProvider budgets)
    {
        options.Name = $"{clientName}.Retry";
        options.Dependency = clientName;
        options.BudgetProvider = budgets;
        if (knobs.MaxAttempts is { } attempts)
        {
            options.MaxAttempts = attempts;
        }

        if (knobs.BaseDelay is { } baseDelay)
        {
            options.BaseDelay = baseDelay;
        }

        if (knobs.MaxDelay is { } maxDelay)
        {
            options.MaxDelay = maxDelay;
        }

        if (options.MaxDelay < options.BaseDelay)
        {
            options.MaxDelay = options.BaseDelay;
        }

        if (knobs.BudgetRatio is { } ratio)
        {
            options.Budget.RetryRatio = ratio;
        }

        if (knobs.MinRetriesPerSecond is { } floor)
        {
            options.Budget.MinRetriesPerSecond = floor;
        }
    }

    private static void ApplyBreaker<TResult>(SreBreakerStrategyOptions<TResult> options, string clientName, ClientBreakerOptions knobs, ISreThrottleProvider throttles)
    {
        options.Name = $"{clientName}.Breaker";
        options.Key = clientName;
        options.ThrottleProvider = throttles;
        if (knobs.K is { } k)
        {
            options.K = k;
        }

        if (knobs.MinimumRequests is { } minimum)
        {
            options.MinimumRequests = minimum;
        }

        if (knobs.Window is { } window)
        {
            options.Window = window;
        }

        if (knobs.ProbeInterval is { } probe)
        {
            options.ProbeInterval = probe;
        }

        if (knobs.RecoverySuccesses is { } recovery)
        {
            options.RecoverySuccesses = recovery;
        }
    }
}

/// <summary>The (knob-less) options Polly requires to add <see cref="EndpointPickStrategy"/>; the knobs are the client's.</summary>
internal sealed class EndpointPickStrategyOptions : ResilienceStrategyOptions
{
    public EndpointPickStrategyOptions() => Name = "RedBook.EndpointPick";
}

using Polly;
using RedBook.ServiceDefaults.Deadline;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Builds a client's <see cref="ResiliencePipeline{T}"/> once from its options. Outer to inner:
/// <list type="number">
/// <item>deadline: the call's budget (ambient deadline, or the default timeout) shrunk by the reserve; fails fast
/// below the minimum and cancels the whole call, retries included, when the budget runs out;</item>
/// <item>endpoint pick, per attempt, so a retry re-picks.</item>
/// </list>
/// The sender (the pipeline's callback) then writes <c>grpc-timeout</c> from the remaining budget and the metadata,
/// and sends.
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

        if (options.LoadBalancing.Enabled)
        {
            builder.AddStrategy(_ => new EndpointPickStrategy(runtime, parts.TimeProvider), new EndpointPickStrategyOptions());
        }

        return builder.Build();
    }

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
}

/// <summary>The (knob-less) options Polly requires to add <see cref="EndpointPickStrategy"/>; the knobs are the client's.</summary>
internal sealed class EndpointPickStrategyOptions : ResilienceStrategyOptions
{
    public EndpointPickStrategyOptions() => Name = "RedBook.EndpointPick";
}

using Polly;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Builds a client's <see cref="ResiliencePipeline{T}"/> once from its options. Outer to inner:
/// endpoint pick (per attempt). The sender (the pipeline's callback) then writes the propagated headers and sends.
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

        if (options.LoadBalancing.Enabled)
        {
            builder.AddStrategy(_ => new EndpointPickStrategy(runtime, parts.TimeProvider), new EndpointPickStrategyOptions());
        }

        return builder.Build();
    }
}

/// <summary>The (knob-less) options Polly requires to add <see cref="EndpointPickStrategy"/>; the knobs are the client's.</summary>
internal sealed class EndpointPickStrategyOptions : ResilienceStrategyOptions
{
    public EndpointPickStrategyOptions() => Name = "RedBook.EndpointPick";
}

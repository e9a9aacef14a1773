using Polly;

namespace RedBook.Benchmarks.Resilience;

/// <summary>Runs a pipeline the way Polly's own benchmarks do: a pooled context, a static callback, a completed result.</summary>
internal static class PipelineRunner
{
    public static async ValueTask Run(ResiliencePipeline<string> pipeline, bool idempotent = false)
    {
        var context = ResilienceContextPool.Shared.Get();
        if (idempotent)
        {
            RedBook.ServiceDefaults.Resilience.RedBookResilienceContextExtensions.SetIdempotent(context, true);
        }

        await pipeline.ExecuteOutcomeAsync(static (_, _) => Outcome.FromResultAsValueTask("dummy"), context, string.Empty).ConfigureAwait(false);
        ResilienceContextPool.Shared.Return(context);
    }
}

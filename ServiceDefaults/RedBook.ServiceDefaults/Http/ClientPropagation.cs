using Polly;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Metadata;
using RedBook.ServiceDefaults.Resilience;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Writes the headers every attempt carries: <c>grpc-timeout</c> with the budget left at the moment of sending
/// (recomputed per attempt, as gRPC does per hop), every ambient <c>x-md-global-*</c> key (colour and user id among
/// them), and <c>x-md-caller</c> set to this service's name. Headers the caller set explicitly on the request win
/// over ambient metadata; the deadline header is always the pipeline's.
/// </summary>
internal static class ClientPropagation
{
    public static void Write(ResilienceContext context, ClientRuntime runtime, HttpRequestMessage request)
    {
        var headers = request.Headers;
        if (runtime.Options.Deadline.Enabled)
        {
            headers.Remove(RedBookHeaders.GrpcTimeout);
            var deadline = context.GetRequestDeadline();
            if (deadline.HasValue)
            {
                var remaining = deadline.Remaining(runtime.TimeProvider);
                headers.TryAddWithoutValidation(RedBookHeaders.GrpcTimeout, GrpcTimeout.Format(remaining <= TimeSpan.Zero ? TimeSpan.FromTicks(1) : remaining));
            }
        }

        if (runtime.Options.Metadata.Enabled)
        {
            headers.Remove(RedBookHeaders.CallerApp);
            headers.TryAddWithoutValidation(RedBookHeaders.CallerApp, runtime.CallerName);
            if (RequestMetadata.Current is { } metadata)
            {
                foreach (var (key, value) in metadata.Global)
                {
                    if (!headers.Contains(key))
                    {
                        headers.TryAddWithoutValidation(key, value);
                    }
                }
            }
        }
    }
}

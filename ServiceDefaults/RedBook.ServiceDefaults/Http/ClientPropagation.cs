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
    /// <summary>
    /// Writes the headers. Returns false (and the error) when the budget left for this attempt fell below the
    /// client's minimum since the deadline stage admitted the call (a retry's backoff spent it): the attempt is not
    /// sent, so a callee never receives less than the minimum.
    /// </summary>
    public static bool Write(ResilienceContext context, ClientRuntime runtime, HttpRequestMessage request, out RedBookError? error)
    {
        var headers = request.Headers;
        error = null;
        if (runtime.Options.Deadline.Enabled)
        {
            headers.Remove(RedBookHeaders.GrpcTimeout);
            var deadline = context.GetRequestDeadline();
            if (deadline.HasValue)
            {
                var remaining = deadline.Remaining(runtime.TimeProvider);
                var minimum = ClientPipelineFactory.MinimumBudget(runtime.Options.Deadline);
                if (remaining < minimum || remaining <= TimeSpan.Zero)
                {
                    error = new RedBookError(
                        ErrorCode.DeadlineExceeded,
                        WellKnownReasons.DeadlineExceeded,
                        $"Not sent: {remaining.TotalMilliseconds:0.###} ms of budget left for this attempt, below the minimum of {minimum.TotalMilliseconds:0.###} ms.");
                    return false;
                }

                headers.TryAddWithoutValidation(RedBookHeaders.GrpcTimeout, GrpcTimeout.Format(remaining));
            }
        }

        WriteMetadata(runtime, request);
        return true;
    }

    /// <summary>
    /// Writes the headers of one gRPC call: <c>grpc-timeout</c> with what is left of the ambient deadline
    /// (<see cref="RequestDeadline.Current"/>, which the gRPC client interceptor sets to the call's budget), truncated so it
    /// is never extended, and the metadata. Returns false (and the error) when the budget fell below the client's
    /// minimum: the call is not sent.
    /// </summary>
    public static bool WriteGrpc(ClientRuntime runtime, HttpRequestMessage request, out RedBookError? error)
    {
        error = null;
        if (runtime.Options.Deadline.Enabled && RequestDeadline.Current is { HasValue: true } deadline)
        {
            var remaining = deadline.Remaining(runtime.TimeProvider);
            var minimum = ClientPipelineFactory.MinimumBudget(runtime.Options.Deadline);
            if (remaining < minimum || remaining <= TimeSpan.Zero)
            {
                error = new RedBookError(
                    ErrorCode.DeadlineExceeded,
                    WellKnownReasons.DeadlineExceeded,
                    $"Not sent: {remaining.TotalMilliseconds:0.###} ms of budget left for this call, below the minimum of {minimum.TotalMilliseconds:0.###} ms.");
                return false;
            }

            request.Headers.Remove(RedBookHeaders.GrpcTimeout);
            request.Headers.TryAddWithoutValidation(RedBookHeaders.GrpcTimeout, GrpcTimeout.Format(remaining));
        }

        WriteMetadata(runtime, request);
        return true;
    }

    private static void WriteMetadata(ClientRuntime runtime, HttpRequestMessage request)
    {
        var headers = request.Headers;
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

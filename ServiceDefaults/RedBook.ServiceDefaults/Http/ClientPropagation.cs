using Polly;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Http;

/// <summary>Writes the headers every attempt carries: the caller's name (and, with the HA core, the deadline and the metadata).</summary>
internal static class ClientPropagation
{
    public static void Write(ResilienceContext context, ClientRuntime runtime, HttpRequestMessage request)
    {
        _ = context;
        if (runtime.Options.Metadata.Enabled)
        {
            var headers = request.Headers;
            headers.Remove(RedBookHeaders.CallerApp);
            headers.TryAddWithoutValidation(RedBookHeaders.CallerApp, runtime.CallerName);
        }
    }
}

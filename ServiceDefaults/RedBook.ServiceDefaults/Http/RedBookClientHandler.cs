using System.Runtime.ExceptionServices;
using Polly;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Resilience;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// The one <see cref="DelegatingHandler"/> of the RedBook client pipeline. Per request it runs the client's
/// pre-built <see cref="ResiliencePipeline{T}"/> (deadline, retry, endpoint pick, breaker); each attempt rewrites the
/// URI to the picked endpoint, writes the propagated headers and sends. Afterwards it records the client RED
/// metrics and restores the URI the caller wrote. A local failure (unknown service, breaker open, deadline) surfaces
/// as a <see cref="RedBookException"/>; a failed response is returned as it is, for the caller to read with
/// <c>EnsureRedBookSuccessAsync</c>.
/// A gRPC request (<c>application/grpc</c>) only gets the propagated headers: the gRPC client's interceptor runs the
/// deadline, retry and breaker stages where the call's status is known (an HTTP response of a failed gRPC call is a 200
/// with the status in its trailers), and the channel's balancer has already picked the endpoint.
/// </summary>
internal sealed class RedBookClientHandler(string clientName, RedBookClientPipelines pipelines) : DelegatingHandler
{
    public string ClientName { get; } = clientName;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IsGrpc(request))
        {
            return await SendGrpcAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var original = request.RequestUri ?? throw new InvalidOperationException("The request has no URI and the client has no BaseAddress.");
        var runtime = pipelines.Get(ClientName);
        var started = runtime.TimeProvider.GetTimestamp();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        Outcome<HttpResponseMessage> outcome;
        try
        {
            context.Properties.Set(ClientResilienceKeys.Request, request);
            context.Properties.Set(ClientResilienceKeys.OriginalUri, original);
            context.Properties.Set(ClientResilienceKeys.ClientName, ClientName);
            HttpIdempotency.ApplyTo(context, request);
            outcome = await runtime.Pipeline.ExecuteOutcomeAsync(
                static (ctx, state) => state.Self.SendAttemptAsync(ctx, state.Runtime, state.Request, state.Original),
                context,
                (Self: this, Runtime: runtime, Request: request, Original: original)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
            request.RequestUri = original;
        }

        if (runtime.Options.Telemetry.Enabled)
        {
            ClientTelemetry.Record(request.Method, original, runtime.TimeProvider.GetElapsedTime(started), outcome.Result, outcome.Exception);
        }

        if (outcome.Exception is { } exception)
        {
            ExceptionDispatchInfo.Throw(exception);
        }

        return outcome.Result!;
    }

    private async ValueTask<Outcome<HttpResponseMessage>> SendAttemptAsync(ResilienceContext context, ClientRuntime runtime, HttpRequestMessage request, Uri original)
    {
        request.RequestUri = context.Properties.TryGetValue(ClientResilienceKeys.EndpointAddress, out var endpoint)
            ? Rewrite(original, endpoint)
            : original;
        if (!ClientPropagation.Write(context, runtime, request, out var tooLate))
        {
            return Outcome.FromException<HttpResponseMessage>(new RedBookException(tooLate!));
        }

        try
        {
            var response = await base.SendAsync(request, context.CancellationToken).ConfigureAwait(false);
            return Outcome.FromResult(response);
        }
#pragma warning disable CA1031 // every failure of an attempt becomes an outcome for the retry and breaker stages to classify.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Outcome.FromException<HttpResponseMessage>(ex);
        }
    }

    /// <summary>True for a gRPC request (content type <c>application/grpc</c> or <c>application/grpc+proto</c>, ...).</summary>
    internal static bool IsGrpc(HttpRequestMessage request) =>
        request.Content?.Headers.ContentType?.MediaType is { } mediaType && mediaType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    private Task<HttpResponseMessage> SendGrpcAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var runtime = pipelines.Get(ClientName);
        if (!ClientPropagation.WriteGrpc(runtime, request, out var tooLate))
        {
            throw new RedBookException(tooLate!);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>The caller's URI with the endpoint's scheme, host and port (and path base, if it has one).</summary>
    /// <remarks>
    /// Built as one string and parsed once (about a tenth of what a <see cref="UriBuilder"/> costs), since every attempt
    /// rewrites its URI. A URI with user information keeps it through <see cref="UriBuilder"/>, as before.
    /// </remarks>
    internal static Uri Rewrite(Uri original, Uri endpoint)
    {
        var pathBase = endpoint.AbsolutePath;
        if (original.UserInfo.Length != 0)
        {
            var builder = new UriBuilder(original)
            {
                Scheme = endpoint.Scheme,
                Host = endpoint.Host,
                Port = endpoint.Port,
            };
            if (pathBase.Length > 1)
            {
                builder.Path = pathBase.TrimEnd('/') + original.AbsolutePath;
            }

            return builder.Uri;
        }

        var authority = endpoint.GetLeftPart(UriPartial.Authority);
        var target = pathBase.Length > 1
            ? string.Concat(authority, pathBase.AsSpan().TrimEnd('/'), original.PathAndQuery, original.Fragment)
            : string.Concat(authority, original.PathAndQuery, original.Fragment);
        return new Uri(target, UriKind.Absolute);
    }
}

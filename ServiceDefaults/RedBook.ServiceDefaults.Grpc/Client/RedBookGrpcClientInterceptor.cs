using System.Runtime.ExceptionServices;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Polly;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Grpc.Errors;
using RedBook.ServiceDefaults.Http;
using RedBook.ServiceDefaults.Resilience;
using RedBook.ServiceDefaults.Telemetry;

namespace RedBook.ServiceDefaults.Grpc.Client;

/// <summary>
/// Runs every unary call of a gRPC client through the client pipeline of <c>RedBook:Clients:{name}</c>: deadline (the
/// ambient deadline or the default timeout, shrunk by the reserve, fail-fast below the minimum; the HTTP handler writes it
/// as an exact <c>grpc-timeout</c>, never rounded up), budgeted retries of methods marked idempotent only, the client's SRE
/// breaker, and the client RED metrics. A failed call surfaces as a <see cref="RedBookException"/> marked
/// <see cref="RedBookException.FromDependency"/>, read back from its <c>google.rpc.Status</c>. Streaming calls keep the
/// ambient deadline and metadata (the HTTP handler) and get their errors mapped the same way.
/// </summary>
internal sealed class RedBookGrpcClientInterceptor(string clientName, string service, RedBookClientPipelines pipelines, GrpcIdempotency idempotency) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = new UnaryCall<TRequest, TResponse>(request, context, continuation);
        var response = RunAsync(call);
        return new AsyncUnaryCall<TResponse>(response, call.HeadersAsync(response), call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        return new AsyncServerStreamingCall<TResponse>(new MappingReader<TResponse>(call.ResponseStream), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
        => AsyncUnaryCall(request, context, (r, c) => new AsyncUnaryCall<TResponse>(Task.Run(() => continuation(r, c)), Task.FromResult(new global::Grpc.Core.Metadata()), static () => Status.DefaultSuccess, static () => [], static () => { })).ResponseAsync.GetAwaiter().GetResult();

    /// <summary>The error a failed call surfaces as.</summary>
    internal static RedBookException ToRedBookException(RpcException exception) =>
        new(GrpcErrorModel.FromRpcException(exception), exception) { FromDependency = true };

    private async Task<TResponse> RunAsync<TRequest, TResponse>(UnaryCall<TRequest, TResponse> call)
        where TRequest : class
        where TResponse : class
    {
        var runtime = pipelines.Get(clientName);
        var time = runtime.TimeProvider;
        var started = time.GetTimestamp();
        var options = call.Context.Options;
        var context = ResilienceContextPool.Shared.Get(options.CancellationToken);
        Outcome<TResponse> outcome;
        // A deadline the caller put on the call binds like an ambient one; grpc-dotnet would round it up on the wire.
        var callerDeadline = options.Deadline is { } d && d != DateTime.MaxValue
            ? RequestDeadline.After(d.ToUniversalTime() - time.GetUtcNow().UtcDateTime, time)
            : RequestDeadline.None;
        try
        {
            context.SetIdempotent(idempotency.IsIdempotent(call.Context.Method.FullName));
            using (callerDeadline.HasValue ? RequestDeadline.Begin(callerDeadline.Min(RequestDeadline.Current)) : default)
            {
                outcome = await runtime.GrpcPipeline.ExecuteOutcomeAsync(static (ctx, c) => c.AttemptAsync(ctx), context, call).ConfigureAwait(false);
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (runtime.Options.Telemetry.Enabled)
        {
            var code = outcome.Exception switch
            {
                null => ErrorCode.Ok,
                RedBookException e => e.Error.Code,
                OperationCanceledException => ErrorCode.Cancelled,
                _ => ErrorCode.Unknown,
            };
            RedMetrics.RecordClient(call.Context.Method.FullName, service, code, time.GetElapsedTime(started));
        }

        if (outcome.Exception is { } exception)
        {
            ExceptionDispatchInfo.Throw(exception);
        }

        return outcome.Result!;
    }

    /// <summary>One unary call and its attempts; the last attempt's call answers headers, status and trailers.</summary>
    private sealed class UnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
    {
        private volatile AsyncUnaryCall<TResponse>? _current;
        private Status? _localStatus;

        public ClientInterceptorContext<TRequest, TResponse> Context => context;

        public async ValueTask<Outcome<TResponse>> AttemptAsync(ResilienceContext resilience)
        {
            var token = resilience.CancellationToken;
            // The budget travels as the ambient deadline (the HTTP handler writes it as grpc-timeout) and as the token;
            // grpc-dotnet's own deadline is switched off so it writes no rounded-up header of its own.
            var options = context.Options.WithDeadline(DateTime.MaxValue).WithCancellationToken(token);
            var deadline = resilience.GetRequestDeadline();
            try
            {
                AsyncUnaryCall<TResponse> call;
                using (deadline.HasValue ? RequestDeadline.Begin(deadline) : default)
                {
                    call = continuation(request, new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options));
                }

                _current?.Dispose();
                _current = call;
                return Outcome.FromResult(await call.ResponseAsync.ConfigureAwait(false));
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && token.IsCancellationRequested)
            {
                // Cancelled by the deadline strategy or the caller: let the deadline stage tell which.
                return Outcome.FromException<TResponse>(new OperationCanceledException(ex.Status.Detail, ex, token));
            }
            catch (RpcException ex)
            {
                return Outcome.FromException<TResponse>(ToRedBookException(ex));
            }
#pragma warning disable CA1031 // every failure of an attempt becomes an outcome for the retry and breaker stages to classify.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return Outcome.FromException<TResponse>(ex);
            }
        }

        public async Task<global::Grpc.Core.Metadata> HeadersAsync(Task<TResponse> response)
        {
            try
            {
                await response.ConfigureAwait(false);
            }
            catch (RedBookException ex)
            {
                _localStatus = new Status((StatusCode)(int)ex.Error.Code, ex.Error.Message);
            }
            catch (OperationCanceledException)
            {
                _localStatus = new Status(StatusCode.Cancelled, "The call was cancelled.");
            }

            return _current is { } call ? await call.ResponseHeadersAsync.ConfigureAwait(false) : [];
        }

        public Status GetStatus() => _current?.GetStatus() ?? _localStatus ?? Status.DefaultSuccess;

        public global::Grpc.Core.Metadata GetTrailers() => _current?.GetTrailers() ?? [];

        public void Dispose() => _current?.Dispose();
    }

    /// <summary>Reads a response stream, turning a failed call into the <see cref="RedBookException"/> of its status.</summary>
    private sealed class MappingReader<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                return await inner.MoveNext(cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
            {
                throw ToRedBookException(ex);
            }
        }
    }
}

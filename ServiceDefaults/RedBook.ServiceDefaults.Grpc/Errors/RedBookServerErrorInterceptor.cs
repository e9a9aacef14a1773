using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Server;

namespace RedBook.ServiceDefaults.Grpc.Errors;

/// <summary>
/// Maps what a gRPC service throws to the error model on the wire (<see cref="GrpcErrorModel"/>): a
/// <see cref="RedBookException"/> becomes its status with <c>google.rpc.Status</c> details (a dependency's error translated
/// by <see cref="RedBookErrorTranslation"/> first), a cancellation by the request's deadline DEADLINE_EXCEEDED, a caller's
/// cancellation CANCELLED, and anything else INTERNAL with only the trace id (the exception goes to the log). An
/// <see cref="RpcException"/> the service threw itself passes unchanged.
/// </summary>
internal sealed partial class RedBookServerErrorInterceptor(ILogger<RedBookServerErrorInterceptor> logger, GrpcErrorDomain domain) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var traceId = RedBookProblemDetails.TraceIdOf(http);
        RedBookError error;
        switch (exception)
        {
            case RedBookException redBook:
                error = RedBookErrorTranslation.ForCaller(redBook);
                if (!ReferenceEquals(error, redBook.Error))
                {
                    Log.Translated(logger, exception, redBook.Error.Code, redBook.Error.Reason, error.Code, error.Reason, context.Method, traceId);
                }

                break;
            case OperationCanceledException when http.Features.Get<IRequestDeadlineFeature>() is { IsExpired: true }:
                error = RedBookErrors.DeadlineExceeded("The request's deadline passed before the work completed.");
                break;
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Status(StatusCode.Cancelled, "The caller cancelled the call."));
            default:
                Log.Unhandled(logger, exception, context.Method, traceId);
                error = RedBookErrors.Internal(traceId);
                break;
        }

        return GrpcErrorModel.ToRpcException(error, domain.Name);
    }

    private static partial class Log
    {
        [LoggerMessage(401, LogLevel.Error, "Unhandled exception in gRPC method {Method} (trace {TraceId})")]
        public static partial void Unhandled(ILogger logger, Exception exception, string method, string traceId);

        [LoggerMessage(402, LogLevel.Warning, "A dependency's {Code} {Reason} reached gRPC method {Method} and answers the caller as {CallerCode} {CallerReason} (trace {TraceId})")]
        public static partial void Translated(ILogger logger, Exception exception, ErrorCode code, string reason, ErrorCode callerCode, string callerReason, string method, string traceId);
    }
}

/// <summary>The <c>google.rpc.ErrorInfo.domain</c> of this service's errors: its name (<c>OTEL_SERVICE_NAME</c>, which Aspire sets to the resource name, else the application name).</summary>
internal sealed class GrpcErrorDomain(string name)
{
    public string Name { get; } = name;
}

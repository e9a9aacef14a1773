// Facade of NuGet package Grpc.Core.Api 2.80.0, assembly Grpc.Core.Api (namespace Grpc.Core.Interceptors).
// Read from grpc/grpc-dotnet tag v2.80.0: src/Grpc.Core.Api/Interceptors/Interceptor.cs,
// ClientInterceptorContext.cs, ChannelExtensions.cs, CallInvokerExtensions.cs.
// Bodies throw. Never referenced by shipped projects.
#nullable enable
using System;
using System.Threading.Tasks;

namespace Grpc.Core.Interceptors
{
    public static class CallInvokerExtensions
    {
        public static CallInvoker Intercept(this CallInvoker invoker, Interceptor interceptor) => throw null!;

        public static CallInvoker Intercept(this CallInvoker invoker, params Interceptor[] interceptors) => throw null!;

        public static CallInvoker Intercept(this CallInvoker invoker, Func<Metadata, Metadata> interceptor) => throw null!;
    }

    public static class ChannelExtensions
    {
        public static CallInvoker Intercept(this ChannelBase channel, Interceptor interceptor) => throw null!;

        public static CallInvoker Intercept(this ChannelBase channel, params Interceptor[] interceptors) => throw null!;

        public static CallInvoker Intercept(this ChannelBase channel, Func<Metadata, Metadata> interceptor) => throw null!;
    }

    public struct ClientInterceptorContext<TRequest, TResponse>
        where TRequest : class
        where TResponse : class
    {
        public ClientInterceptorContext(Method<TRequest, TResponse> method, string? host, CallOptions options) { }

        public Method<TRequest, TResponse> Method => throw null!;

        public string? Host => throw null!;

        public CallOptions Options => throw null!;
    }

    public abstract class Interceptor
    {
        public delegate TResponse BlockingUnaryCallContinuation<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class;

        public delegate AsyncUnaryCall<TResponse> AsyncUnaryCallContinuation<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class;

        public delegate AsyncServerStreamingCall<TResponse> AsyncServerStreamingCallContinuation<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class;

        public delegate AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCallContinuation<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class;

        public delegate AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCallContinuation<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class;

        public virtual TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
            where TRequest : class
            where TResponse : class => throw null!;

        public virtual AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
            where TRequest : class
            where TResponse : class => throw null!;

        public virtual AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
            where TRequest : class
            where TResponse : class => throw null!;

        public virtual AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
            where TRequest : class
            where TResponse : class => throw null!;

        public virtual AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
            where TRequest : class
            where TResponse : class => throw null!;

        public virtual Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
            where TRequest : class
            where TResponse : class => throw null!;

        public virtual Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
            where TRequest : class
            where TResponse : class => throw null!;

        public virtual Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
            where TRequest : class
            where TResponse : class => throw null!;

        public virtual Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
            where TRequest : class
            where TResponse : class => throw null!;
    }
}

// Facade of NuGet package Grpc.Net.ClientFactory 2.80.0, assembly Grpc.Net.ClientFactory.
// Read from grpc/grpc-dotnet tag v2.80.0: src/Grpc.Net.ClientFactory/GrpcClientServiceExtensions.cs,
// GrpcHttpClientBuilderExtensions.cs, GrpcClientFactoryOptions.cs, InterceptorScope.cs.
// Only the members RedBook's online ring uses; bodies throw. Never referenced by shipped projects.
#nullable enable
using System;
using System.Collections.Generic;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.ClientFactory;

namespace Grpc.Net.ClientFactory
{
    public class GrpcClientFactoryOptions
    {
        public Uri? Address { get; set; }

        public IList<Action<GrpcChannelOptions>> ChannelOptionsActions { get; } = null!;

        public IList<Interceptor> Interceptors { get; } = null!;

        public Func<CallInvoker, object>? Creator { get; set; }
    }

    public enum InterceptorScope
    {
        Channel,
        Client
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    public static class GrpcClientServiceExtensions
    {
        public static IHttpClientBuilder AddGrpcClient<TClient>(this IServiceCollection services)
            where TClient : class => throw null!;

        public static IHttpClientBuilder AddGrpcClient<TClient>(this IServiceCollection services, Action<GrpcClientFactoryOptions> configureClient)
            where TClient : class => throw null!;

        public static IHttpClientBuilder AddGrpcClient<TClient>(this IServiceCollection services, Action<IServiceProvider, GrpcClientFactoryOptions> configureClient)
            where TClient : class => throw null!;

        public static IHttpClientBuilder AddGrpcClient<TClient>(this IServiceCollection services, string name)
            where TClient : class => throw null!;

        public static IHttpClientBuilder AddGrpcClient<TClient>(this IServiceCollection services, string name, Action<GrpcClientFactoryOptions> configureClient)
            where TClient : class => throw null!;

        public static IHttpClientBuilder AddGrpcClient<TClient>(this IServiceCollection services, string name, Action<IServiceProvider, GrpcClientFactoryOptions> configureClient)
            where TClient : class => throw null!;
    }

    public static class GrpcHttpClientBuilderExtensions
    {
        public static IHttpClientBuilder ConfigureChannel(this IHttpClientBuilder builder, Action<IServiceProvider, GrpcChannelOptions> configureChannel) => throw null!;

        public static IHttpClientBuilder ConfigureChannel(this IHttpClientBuilder builder, Action<GrpcChannelOptions> configureChannel) => throw null!;

        public static IHttpClientBuilder AddInterceptor(this IHttpClientBuilder builder, Func<IServiceProvider, Interceptor> configureInvoker) => throw null!;

        public static IHttpClientBuilder AddInterceptor(this IHttpClientBuilder builder, InterceptorScope scope, Func<IServiceProvider, Interceptor> configureInvoker) => throw null!;

        public static IHttpClientBuilder AddInterceptor(this IHttpClientBuilder builder, Func<Interceptor> configureInvoker) => throw null!;

        public static IHttpClientBuilder AddInterceptor(this IHttpClientBuilder builder, InterceptorScope scope, Func<Interceptor> configureInvoker) => throw null!;

        public static IHttpClientBuilder AddInterceptor<TInterceptor>(this IHttpClientBuilder builder)
            where TInterceptor : Interceptor => throw null!;

        public static IHttpClientBuilder AddInterceptor<TInterceptor>(this IHttpClientBuilder builder, InterceptorScope scope)
            where TInterceptor : Interceptor => throw null!;
    }
}

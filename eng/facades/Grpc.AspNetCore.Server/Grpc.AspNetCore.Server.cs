// Facade of NuGet package Grpc.AspNetCore.Server 2.80.0, assembly Grpc.AspNetCore.Server.
// Read from grpc/grpc-dotnet tag v2.80.0: src/Grpc.AspNetCore.Server/GrpcServiceExtensions.cs,
// GrpcEndpointRouteBuilderExtensions.cs, GrpcServiceEndpointConventionBuilder.cs, GrpcServiceOptions.cs,
// IGrpcServerBuilder.cs, InterceptorCollection.cs, InterceptorRegistration.cs, ServerCallContextExtensions.cs.
// Only the members RedBook's online ring uses; bodies throw. Never referenced by shipped projects.
#nullable enable
using System;
using System.Collections.ObjectModel;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Grpc.AspNetCore.Server
{
    public class GrpcServiceOptions
    {
        public int? MaxSendMessageSize { get => throw null!; set { } }

        public int? MaxReceiveMessageSize { get => throw null!; set { } }

        public bool? EnableDetailedErrors { get; set; }

        public string? ResponseCompressionAlgorithm { get; set; }

        public bool? IgnoreUnknownServices { get; set; }

        public InterceptorCollection Interceptors { get; } = null!;

        public bool SuppressCreatingService { get; set; }
    }

    public class GrpcServiceOptions<TService> : GrpcServiceOptions where TService : class
    {
    }

    public interface IGrpcServerBuilder
    {
        Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; }
    }

    public class InterceptorCollection : Collection<InterceptorRegistration>
    {
        public void Add<TInterceptor>(params object[] args) where TInterceptor : Interceptor { }

        public void Add(Type interceptorType, params object[] args) { }
    }

    public class InterceptorRegistration
    {
        private InterceptorRegistration() { }

        public Type Type => throw null!;

        public System.Collections.Generic.IReadOnlyList<object> Arguments => throw null!;
    }
}

namespace Grpc.Core
{
    public static class ServerCallContextExtensions
    {
        public static HttpContext GetHttpContext(this ServerCallContext serverCallContext) => throw null!;
    }
}

namespace Microsoft.AspNetCore.Builder
{
    public static class GrpcEndpointRouteBuilderExtensions
    {
        public static GrpcServiceEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder builder) where TService : class => throw null!;
    }

    public sealed class GrpcServiceEndpointConventionBuilder : IEndpointConventionBuilder
    {
        private GrpcServiceEndpointConventionBuilder() { }

        public void Add(Action<EndpointBuilder> convention) { }

        public void Finally(Action<EndpointBuilder> finallyConvention) { }
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    public static class GrpcServicesExtensions
    {
        public static IGrpcServerBuilder AddServiceOptions<TService>(this IGrpcServerBuilder grpcBuilder, Action<GrpcServiceOptions<TService>> configure) where TService : class => throw null!;

        public static IGrpcServerBuilder AddGrpc(this IServiceCollection services) => throw null!;

        public static IGrpcServerBuilder AddGrpc(this IServiceCollection services, Action<GrpcServiceOptions> configureOptions) => throw null!;
    }
}

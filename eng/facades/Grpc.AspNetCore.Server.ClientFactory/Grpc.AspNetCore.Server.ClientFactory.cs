// Facade of NuGet package Grpc.AspNetCore.Server.ClientFactory 2.80.0, assembly Grpc.AspNetCore.Server.ClientFactory.
// Read from grpc/grpc-dotnet tag v2.80.0: src/Grpc.AspNetCore.Server.ClientFactory/GrpcServerHttpClientBuilderExtensions.cs,
// GrpcContextPropagationOptions.cs. Bodies throw. Never referenced by shipped projects.
#nullable enable
using System;

namespace Grpc.AspNetCore.ClientFactory
{
    public class GrpcContextPropagationOptions
    {
        public bool SuppressContextNotFoundErrors { get; set; }
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    public static class GrpcServerHttpClientBuilderExtensions
    {
        public static IHttpClientBuilder EnableCallContextPropagation(this IHttpClientBuilder builder) => throw null!;

        public static IHttpClientBuilder EnableCallContextPropagation(this IHttpClientBuilder builder, Action<Grpc.AspNetCore.ClientFactory.GrpcContextPropagationOptions> configureOptions) => throw null!;
    }
}

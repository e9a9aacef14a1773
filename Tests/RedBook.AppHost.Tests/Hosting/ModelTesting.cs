using Microsoft.Extensions.DependencyInjection;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace RedBook.AppHost.Tests.Hosting;

/// <summary>Helpers for tests of the resource model: nothing is started, endpoints are allocated by hand.</summary>
internal static class ModelTesting
{
    /// <summary>A builder in run mode, named as the AppHost is; it is never built.</summary>
    public static IDistributedApplicationBuilder RunBuilder() => DistributedApplication.CreateBuilder(new DistributedApplicationOptions
    {
        Args = [],
        AssemblyName = "RedBook.AppHost",
        DisableDashboard = true,
    });

    /// <summary>Allocates <paramref name="endpointName"/> on localhost as DCP would (a proxyless executable's target port is its port).</summary>
    public static EndpointAnnotation Allocate(IResource resource, string endpointName, int port, int? targetPort = null)
    {
        var endpoint = resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == endpointName);
        if (resource is not ContainerResource)
        {
            endpoint.TargetPort = targetPort ?? port;
        }

        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "localhost", port);
        return endpoint;
    }

    /// <summary>The resource's arguments, evaluated as DCP would before starting it in run mode.</summary>
    public static async Task<string[]> ArgumentsAsync(IResource resource) =>
        [.. (await Configuration(resource)).Arguments.Select(a => a.Value)];

    /// <summary>The resource's environment, evaluated as DCP would before starting it in run mode.</summary>
    public static async Task<Dictionary<string, string>> EnvironmentAsync(IResource resource) =>
        (await Configuration(resource)).EnvironmentVariables.ToDictionary(e => e.Key, e => e.Value);

    private static async Task<IExecutionConfigurationResult> Configuration(IResource resource)
    {
        var result = await ExecutionConfigurationBuilder.Create(resource)
            .WithArgumentsConfig()
            .WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(new DistributedApplicationExecutionContextOptions(DistributedApplicationOperation.Run)
            {
                Services = new ServiceCollection().BuildServiceProvider(),
            }), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        return result.Exception is { } exception ? throw exception : result;
    }

    public static EndpointAnnotation Endpoint(IResource resource, string name) =>
        resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == name);

    public static HashSet<string> HealthCheckKeys(IResource resource) =>
        resource.Annotations.OfType<HealthCheckAnnotation>().Select(a => a.Key).ToHashSet();
}

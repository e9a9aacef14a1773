using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace RedBook.AppHost.Tests.Publishing;

/// <summary>
/// The manifest azd deploys from: the built AppHost run with <c>--publisher manifest</c>, as azd and the SDK's
/// GenerateAspireManifest target run it. It must hold every resource of container mode with its bindings.
/// </summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task Publish_ManifestPublisher_HoldsEveryResourceWithItsBindings()
    {
        var output = Directory.CreateTempSubdirectory("redbook-manifest-");
        try
        {
            var manifestPath = Path.Combine(output.FullName, "aspire-manifest.json");
            await RunAppHostAsync("--publisher", "manifest", "--output-path", manifestPath);

            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath));
            var resources = manifest.RootElement.GetProperty("resources");
            AssertResource(resources, "mongo", "container.v0", "tcp");
            AssertResource(resources, "redis", "container.v0", "tcp");
            AssertResource(resources, "kafka", "container.v0", "tcp", "internal");
            AssertResource(resources, "etcd", "container.v0", "client");
            AssertResource(resources, "jaeger", "container.v0", "ui", "otlp-grpc", "otlp-http", "admin");
            AssertResource(resources, "feed-api", "project.v0", "http", "https", "grpc");
//#if (IncludeMall)
            AssertResource(resources, "mall-api", "project.v0", "http", "https", "grpc");
//#endif
            AssertResource(resources, "bff", "project.v0", "http", "https", "grpc");
            Assert.Contains("feeddb", resources.GetProperty("feeddb").GetProperty("connectionString").GetString(), StringComparison.Ordinal);
//#if (IncludeMall)
            Assert.Contains("replicaSet=rs0", resources.GetProperty("malldb").GetProperty("connectionString").GetString(), StringComparison.Ordinal);
//#endif
            Assert.True(resources.GetProperty("bff").GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
            Assert.Equal("http2", resources.GetProperty("feed-api").GetProperty("bindings").GetProperty("grpc").GetProperty("transport").GetString());
            Assert.False(resources.TryGetProperty("kafka-ui", out _)); // a development tool, not deployed
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static void AssertResource(JsonElement resources, string name, string type, params string[] bindings)
    {
        Assert.True(resources.TryGetProperty(name, out var resource), $"the manifest has no '{name}'");
        Assert.Equal(type, resource.GetProperty("type").GetString());
        var actual = resource.GetProperty("bindings").EnumerateObject().Select(b => b.Name).ToHashSet();
        Assert.Superset(bindings.ToHashSet(), actual);
    }

    private static async Task RunAppHostAsync(params string[] args)
    {
        var configuration = typeof(ManifestTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var directory = Directory.Exists(Projects.RedBook_AppHost.ProjectPath) ? Projects.RedBook_AppHost.ProjectPath : Path.GetDirectoryName(Projects.RedBook_AppHost.ProjectPath)!;
        var dll = Path.Combine(directory, "bin", configuration, "net10.0", "RedBook.AppHost.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"the AppHost exited with {process.ExitCode}:{Environment.NewLine}{await stdout}{await stderr}");
    }
}

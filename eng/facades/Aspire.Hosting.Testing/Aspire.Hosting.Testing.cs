// Facade of NuGet package Aspire.Hosting.Testing 13.5.2, assembly Aspire.Hosting.Testing.
// Read from microsoft/aspire tag v13.5.2: src/Aspire.Hosting.Testing/api/Aspire.Hosting.Testing.cs.
// Only the members RedBook's online ring uses; bodies throw. Never referenced by shipped projects.
#nullable enable

namespace Aspire.Hosting.Testing
{
    public static partial class DistributedApplicationHostingTestingExtensions
    {
        public static System.Net.Http.HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, string? endpointName = null) => throw null!;

        public static System.Threading.Tasks.ValueTask<string?> GetConnectionStringAsync(this DistributedApplication app, string resourceName, System.Threading.CancellationToken cancellationToken = default) => throw null!;

        public static System.Uri GetEndpoint(this DistributedApplication app, string resourceName, string? endpointName = null) => throw null!;
    }

    public static partial class DistributedApplicationTestingBuilder
    {
        public static IDistributedApplicationTestingBuilder Create(params string[] args) => throw null!;

        public static System.Threading.Tasks.Task<IDistributedApplicationTestingBuilder> CreateAsync(System.Type entryPoint, System.Threading.CancellationToken cancellationToken = default) => throw null!;

        public static System.Threading.Tasks.Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(string[] args, System.Threading.CancellationToken cancellationToken = default)
            where TEntryPoint : class => throw null!;

        public static System.Threading.Tasks.Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(System.Threading.CancellationToken cancellationToken = default)
            where TEntryPoint : class => throw null!;
    }

    public partial interface IDistributedApplicationTestingBuilder : IDistributedApplicationBuilder, System.IAsyncDisposable, System.IDisposable
    {
        System.Threading.Tasks.Task<DistributedApplication> BuildAsync(System.Threading.CancellationToken cancellationToken = default);
    }
}

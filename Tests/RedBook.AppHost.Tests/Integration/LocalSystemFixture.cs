using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using RedBook.AppHost.Tests.Integration.Otlp;
using RedBook.Hosting;

namespace RedBook.AppHost.Tests.Integration;

/// <summary>
/// One AppHost in local mode for every test of the <see cref="LocalSystemCollection"/>: redis-server and etcd from
/// PATH, the services with their replicas, and the dashboard (Aspire.Hosting.Testing gives it random loopback ports,
/// plain HTTP) with a browser token this fixture sets, so a browser can log in. Starting it takes the longest part of the suite on 2 cores, so it starts once; tests add
/// scenarios against <see cref="App"/>.
/// </summary>
public sealed class LocalSystemFixture : IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(8);

    private DistributedApplication? _app;

    /// <summary>The local-mode data (SQLite files, etcd's directory) of this run only: a developer's run keeps its own.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "apphost-tests-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Receives the traces of every service (their second exporter, the one Jaeger gets in container mode).</summary>
    public OtlpTraceReceiver Traces { get; } = new();

    /// <summary>The running application.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost did not start.");

    /// <summary>The dashboard's login address, as the AppHost prints it: <c>/login?t={browser token}</c>.</summary>
    public Uri DashboardLoginUrl { get; private set; } = null!;

    /// <summary>The dashboard's browser token, set by this fixture (<c>ASPIRE_DASHBOARD_FRONTEND_BROWSERTOKEN</c>).</summary>
    public string BrowserToken { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Every resource of the model, by name.</summary>
    public IReadOnlyList<IResource> Resources => App.Services.GetRequiredService<DistributedApplicationModel>().Resources.ToList();

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(s_startTimeout);
        string[] args =
        [
            "RedBook:AppHost:Mode=Local",
            $"{LocalDataDirectory.ConfigurationKey}={DataDirectory}",
            "ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
            $"ASPIRE_DASHBOARD_FRONTEND_BROWSERTOKEN={BrowserToken}",
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RedBook_AppHost>(
            args,
            static (options, _) => options.DisableDashboard = false,
            cts.Token);
        await Traces.StartAsync(cts.Token);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project)
                .WithEnvironment("RedBook__Telemetry__JaegerEndpoint", Traces.Endpoint.ToString())
                .WithEnvironment("RedBook__Telemetry__JaegerProtocol", "http/protobuf");
        }

        _app = await builder.BuildAsync(cts.Token);
        try
        {
            await _app.StartAsync(cts.Token);
            await WaitForEveryResourceAsync(cts.Token);
        }
        catch
        {
            // xunit doesn't dispose a fixture whose initialization failed: stop the orchestrator and every process here.
            await _app.DisposeAsync();
            _app = null;
            await Traces.DisposeAsync();
            DeleteDataDirectory();
            throw;
        }

        States = await CurrentStatesAsync(cts.Token);
        var dashboardState = States.Values.Single(e => e.Resource.Name == "aspire-dashboard");
        DashboardLoginUrl = new Uri(dashboardState.Snapshot.Urls.Single(u => u.Name == "http").Url);
    }

    /// <summary>The resources the dashboard lists: started ones whose instances aren't hidden (the dashboard itself is).</summary>
    public IReadOnlyList<IResource> ShownResources =>
        Resources.Where(r => IsStarted(r) && States.Values.Where(e => e.Resource == r).All(e => !e.Snapshot.IsHidden)).ToList();

    /// <summary>The latest state of every resource instance (a replica is an instance), by instance id, once started.</summary>
    public IReadOnlyDictionary<string, ResourceEvent> States { get; private set; } = new Dictionary<string, ResourceEvent>();

    /// <summary>Reads the latest state of every instance: the notification service replays them to a new watcher.</summary>
    private async Task<IReadOnlyDictionary<string, ResourceEvent>> CurrentStatesAsync(CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, ResourceEvent>();
        using var replay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        replay.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var e in App.ResourceNotifications.WatchAsync(replay.Token))
            {
                states[e.ResourceId] = e;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The replay is over.
        }

        return states;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await Traces.DisposeAsync();
        DeleteDataDirectory();
    }

    private void DeleteDataDirectory()
    {
        try
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A process that outlived the orchestrator still holds a file: the temp directory keeps it.
        }
    }

    /// <summary>Waits until every resource that reports health is healthy, and every other one is running.</summary>
    private async Task WaitForEveryResourceAsync(CancellationToken cancellationToken)
    {
        var notifications = App.ResourceNotifications;
        await Task.WhenAll(Resources.Where(IsStarted).Select(r => notifications.WaitForResourceHealthyAsync(r.Name, cancellationToken)));
    }

    /// <summary>
    /// Resources the orchestrator starts and the dashboard lists: not values (parameters, connection strings), not
    /// started on demand (the projects' rebuilders), not hidden (the dashboard itself).
    /// </summary>
    internal static bool IsStarted(IResource resource) =>
        resource is not ParameterResource and not ConnectionStringResource
        && !resource.Annotations.OfType<ExplicitStartupAnnotation>().Any()
        && !resource.Annotations.OfType<ResourceSnapshotAnnotation>().Any(a => a.InitialSnapshot.IsHidden);
}

[CollectionDefinition(Name)]
public sealed class LocalSystemCollection : ICollectionFixture<LocalSystemFixture>
{
    public const string Name = "Local system";
}

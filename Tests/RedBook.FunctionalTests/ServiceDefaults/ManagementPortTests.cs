using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Governance;
using RedBook.ServiceDefaults.Lifecycle;

namespace RedBook.FunctionalTests.ServiceDefaults;

/// <summary>
/// The management port serves health and governance, and nothing of the application: every other path is a 404
/// there, during shutdown too, while the public port answers the application (503 once shutdown began).
/// </summary>
public class ManagementPortTests
{
    private static Dictionary<string, string?> Settings(int port, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["RedBook:Management:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["RedBook:Management:Host"] = "127.0.0.1",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task ManagementPort_ServesHealthAndGovernanceOnly()
    {
        var port = Net.FreePort();
        await using var app = await KestrelApp.StartAsync(
            a =>
            {
                a.MapGet("/hello", () => "hi");
                a.MapPost("/notes", () => "created");
                a.MapGet("/{**anything}", () => "catch-all");
            },
            settings: Settings(port));
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        foreach (var path in (string[])["/hello", "/notes", "/anything/else", "/", "/healthz", "/_redbookx"])
        {
            using var response = await management.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"GET {path} on the management port: {(int)response.StatusCode}");
        }

        using (var post = await management.PostAsync(new Uri("/notes", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }

        foreach (var path in (string[])["/health", "/alive", "/_redbook/buildinfo", "/_redbook/config", "/_redbook/env", "/_redbook/routes", "/HEALTH"])
        {
            using var response = await management.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} on the management port: {(int)response.StatusCode}");
        }

        Assert.Equal("hi", await app.Client.GetStringAsync(new Uri("/hello", UriKind.Relative)));
        Assert.Equal("catch-all", await app.Client.GetStringAsync(new Uri("/anything/else", UriKind.Relative)));
    }

    [Fact]
    public async Task ManagementPort_DuringTheDrain_IsGatedLikeThePublicPort()
    {
        var port = Net.FreePort();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var participant = new BlockingParticipant();
        var app = await KestrelApp.StartAsync(
            a =>
            {
                a.MapGet("/slow", async () =>
                {
                    started.TrySetResult();
                    await release.Task;
                    return "finished";
                });
                a.MapGet("/hello", () => "hi");
            },
            b => b.Services.AddSingleton<IShutdownParticipant>(participant),
            Settings(port, new Dictionary<string, string?> { ["RedBook:Shutdown:DrainTimeout"] = "00:00:30" }));
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            var inFlight = app.Client.GetAsync(new Uri("/slow", UriKind.Relative));
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var stopping = app.App.StopAsync();
            await participant.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var state = app.App.Services.GetRequiredService<ShutdownState>();

            using var publicHello = await app.Client.GetAsync(new Uri("/hello", UriKind.Relative));
            using var managementHello = await management.GetAsync(new Uri("/hello", UriKind.Relative));
            using var managementSlow = await management.GetAsync(new Uri("/slow", UriKind.Relative));
            using var managementHealth = await management.GetAsync(new Uri("/health", UriKind.Relative));
            using var managementAlive = await management.GetAsync(new Uri("/alive", UriKind.Relative));
            using var managementConfig = await management.GetAsync(new Uri("/_redbook/config", UriKind.Relative));
            var inFlightDuringDrain = state.InFlight;
            participant.Release.SetResult();
            release.SetResult();
            using var drained = await inFlight;
            await stopping.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, publicHello.StatusCode);
            Assert.Equal(WellKnownReasons.ShuttingDown, (await publicHello.ReadErrorAsync())!.Reason);
            Assert.Equal(HttpStatusCode.NotFound, managementHello.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, managementSlow.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, managementHealth.StatusCode); // readiness reports the shutdown
            Assert.Equal(HttpStatusCode.OK, managementAlive.StatusCode);
            Assert.Equal(HttpStatusCode.OK, managementConfig.StatusCode);
            Assert.Equal(1, inFlightDuringDrain);                                        // only the public request
            Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        }
        finally
        {
            participant.Release.TrySetResult();
            release.TrySetResult();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task GovernanceDumps_SecretsInValues_AreRedactedInEveryShape()
    {
        var port = Net.FreePort();
        var variable = "REDBOOK_TEST_WEBHOOK_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "https://hooks.example/notify?access_token=tok123&channel=ops");
        try
        {
            await using var app = await KestrelApp.StartAsync(a => a.MapGet("/hello", () => "hi"), settings: Settings(port, new Dictionary<string, string?>
            {
                ["ConnectionStrings:search"] = "Endpoint=https://s.example;Key=k-123",
                ["ConnectionStrings:minio"] = "Endpoint=http://minio:9000;SecretKey=s-123",
                ["ConnectionStrings:aad"] = "ClientId=app;ClientSecret=c-123",
                ["ConnectionStrings:insights"] = "Application Key=a-123;IngestionEndpoint=https://in",
                ["Upstream:Url"] = "https://ghp_u-123@github.com/org/repo",
            }));
            using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

            var configText = await management.GetStringAsync(new Uri("/_redbook/config", UriKind.Relative));
            var envText = await management.GetStringAsync(new Uri("/_redbook/env", UriKind.Relative));
            var config = JsonDocument.Parse(configText).RootElement;
            var env = JsonDocument.Parse(envText).RootElement;

            foreach (var secret in (string[])["k-123", "s-123", "c-123", "a-123", "u-123", "tok123"])
            {
                Assert.DoesNotContain(secret, configText, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, envText, StringComparison.Ordinal);
            }

            Assert.Equal("Endpoint=https://s.example;Key=" + SecretRedactor.Redacted, config.GetProperty("ConnectionStrings:search").GetString());
            Assert.Equal("ClientId=app;ClientSecret=" + SecretRedactor.Redacted, config.GetProperty("ConnectionStrings:aad").GetString());
            Assert.Equal("https://hooks.example/notify?access_token=***&channel=ops", env.GetProperty(variable).GetString());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private sealed class BlockingParticipant : IShutdownParticipant
    {
        public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task OnShutdownStartingAsync(CancellationToken cancellationToken)
        {
            Called.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
        }
    }
}

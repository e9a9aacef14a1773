using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Lifecycle;

namespace RedBook.FunctionalTests.ServiceDefaults;

public class GracefulShutdownTests
{
    [Fact]
    public async Task StopAsync_WithRequestInFlight_DeregistersFirstThenRefusesNewWorkThenDrains()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var participant = new RecordingParticipant();
        var app = await KestrelApp.StartAsync(
            a => a.MapGet("/slow", async () =>
            {
                started.TrySetResult();
                await release.Task;
                return "finished";
            }),
            b => b.Services.AddSingleton<IShutdownParticipant>(sp =>
            {
                participant.State = sp.GetRequiredService<ShutdownState>();
                return participant;
            }),
            new Dictionary<string, string?> { ["RedBook:Shutdown:DrainTimeout"] = "00:00:30" });
        try
        {
            var inFlight = app.Client.GetAsync(new Uri("/slow", UriKind.Relative));
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

            var stopping = app.App.StopAsync();
            var inFlightAtDeregistration = await participant.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));

            using var refused = await app.Client.GetAsync(new Uri("/slow", UriKind.Relative));
            var refusedError = await refused.ReadErrorAsync();
            using var readiness = await app.Client.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.False(stopping.IsCompleted);

            release.SetResult();
            using var drained = await inFlight;
            await stopping.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(1, inFlightAtDeregistration);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(WellKnownReasons.ShuttingDown, refusedError!.Reason);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
            Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
            Assert.Equal("finished", await drained.Content.ReadAsStringAsync());
        }
        finally
        {
            release.TrySetResult();
            await app.DisposeAsync();
        }
    }

    private sealed class RecordingParticipant : IShutdownParticipant
    {
        public ShutdownState? State { get; set; }

        public TaskCompletionSource<int> Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnShutdownStartingAsync(CancellationToken cancellationToken)
        {
            Called.TrySetResult(State!.InFlight);
            return Task.CompletedTask;
        }
    }
}

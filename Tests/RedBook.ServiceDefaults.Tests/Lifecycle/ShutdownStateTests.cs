using RedBook.ServiceDefaults.Lifecycle;

namespace RedBook.ServiceDefaults.Tests.Lifecycle;

public class ShutdownStateTests
{
    [Fact]
    public void TryEnter_AfterBeginShutdown_Refuses()
    {
        var state = new ShutdownState();
        Assert.True(state.TryEnter());

        state.BeginShutdown();

        Assert.False(state.TryEnter());
        Assert.Equal(1, state.InFlight);
        Assert.True(state.IsShuttingDown);
    }

    [Fact]
    public void WhenDrained_CompletesWhenLastRequestExits()
    {
        var state = new ShutdownState();
        state.TryEnter();
        state.TryEnter();
        state.BeginShutdown();
        var drained = state.WhenDrained();

        state.Exit();
        Assert.False(drained.IsCompleted);
        state.Exit();

        Assert.True(drained.IsCompletedSuccessfully);
    }

    [Fact]
    public void WhenDrained_NothingInFlight_CompletesAtOnce()
    {
        var state = new ShutdownState();
        state.BeginShutdown();

        Assert.True(state.WhenDrained().IsCompletedSuccessfully);
    }

    [Fact]
    public void WhenDrained_BeforeShutdown_Throws()
    {
        var state = new ShutdownState();

        Assert.Throws<InvalidOperationException>(() => { _ = state.WhenDrained(); });
    }
}

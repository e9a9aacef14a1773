using RedBook.ServiceDefaults.Leadership;

namespace RedBook.ServiceDefaults.Tests.Leadership;

public sealed class LeaderTermTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void End_Twice_FirstReasonAndTimeWin()
    {
        var term = new LeaderTerm("jobs", "a", 5, s_t0);

        Assert.True(term.End("lease lost", s_t0.AddSeconds(1)));
        Assert.False(term.End("resigned", s_t0.AddSeconds(2)));

        Assert.Equal(("lease lost", s_t0.AddSeconds(1)), (term.LostReason, term.LostAt));
        Assert.True(term.LostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task WhenReleasedAsync_HoldsOutstanding_CompletesWhenTheLastIsDisposed()
    {
        var term = new LeaderTerm("jobs", "a", 5, s_t0);
        var first = term.TryHold()!;
        var second = term.TryHold()!;
        term.End("resigned", s_t0);

        var released = term.WhenReleasedAsync();
        first.Dispose();
        first.Dispose();                                                 // idempotent: does not count twice
        Assert.False(released.IsCompleted);
        second.Dispose();

        await released.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(term.TryHold());
    }

    [Fact]
    public void WhenReleasedAsync_NoHolds_IsCompleted()
    {
        var term = new LeaderTerm("jobs", "a", 5, s_t0);

        Assert.True(term.WhenReleasedAsync().IsCompleted);
    }
}

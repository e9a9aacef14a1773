using RedBook.Testing;

namespace RedBook.ServiceDefaults.Tests.Testing;

public class ManualTimeProviderTests
{
    [Fact]
    public void Advance_FiresTimersInDueOrderAtTheirOwnTime()
    {
        var time = new ManualTimeProvider();
        var start = time.GetTimestamp();
        var fired = new List<(string Name, TimeSpan At)>();
        using var a = time.CreateTimer(_ => fired.Add(("a", time.GetElapsedTime(start))), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var b = time.CreateTimer(_ => fired.Add(("b", time.GetElapsedTime(start))), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        time.Advance(TimeSpan.FromSeconds(3.5));

        Assert.Equal(
            [("b", TimeSpan.FromSeconds(1)), ("b", TimeSpan.FromSeconds(2)), ("a", TimeSpan.FromSeconds(3)), ("b", TimeSpan.FromSeconds(3))],
            fired);
        Assert.Equal(TimeSpan.FromSeconds(3.5), time.GetElapsedTime(start));
    }

    [Fact]
    public async Task Delay_CompletesOnlyWhenAdvanced()
    {
        var time = new ManualTimeProvider();
        var delay = Task.Delay(TimeSpan.FromSeconds(1), time);
        Assert.False(delay.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(delay.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await delay;
    }
}

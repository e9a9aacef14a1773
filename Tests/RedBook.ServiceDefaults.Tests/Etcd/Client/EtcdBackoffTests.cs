using RedBook.ServiceDefaults.Etcd.Client;

namespace RedBook.ServiceDefaults.Tests.Etcd.Client;

public sealed class EtcdBackoffTests
{
    [Fact]
    public void Next_Repeatedly_DoublesUpToTheMaximum()
    {
        var backoff = new EtcdBackoff(() => TimeSpan.FromMilliseconds(100), () => TimeSpan.FromSeconds(1), static () => 1.0);

        var delays = Enumerable.Range(0, 6).Select(_ => backoff.Next().TotalMilliseconds).ToArray();

        Assert.Equal([100, 200, 400, 800, 1000, 1000], delays);
    }

    [Fact]
    public void Next_AfterReset_StartsOver()
    {
        var backoff = new EtcdBackoff(() => TimeSpan.FromMilliseconds(100), () => TimeSpan.FromSeconds(1), static () => 1.0);
        backoff.Next();
        backoff.Next();

        backoff.Reset();

        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.Next());
    }

    [Theory]
    [InlineData(0.5, 80)]
    [InlineData(0.9, 90)]
    [InlineData(1.5, 120)]
    public void Next_Jitter_IsClampedToTwentyPercent(double jitter, double expectedMs)
    {
        var backoff = new EtcdBackoff(() => TimeSpan.FromMilliseconds(100), () => TimeSpan.FromSeconds(1), () => jitter);

        Assert.Equal(expectedMs, backoff.Next().TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void Next_JitterAtTheMaximum_NeverExceedsTheMaximum()
    {
        var backoff = new EtcdBackoff(() => TimeSpan.FromMilliseconds(100), () => TimeSpan.FromMilliseconds(150), static () => 1.2);
        backoff.Next();

        Assert.Equal(TimeSpan.FromMilliseconds(150), backoff.Next());
    }
}

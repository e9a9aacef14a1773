using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.CoDel;
using RedBook.ServiceDefaults.Tests.Internal;

namespace RedBook.ServiceDefaults.Tests.CoDel;

[Collection(StressCollection.Name)]
public class CoDelConcurrencyTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task AcquireAsync_ManyConcurrentCallers_NeverExceedsLimitAndLosesNoPermit()
    {
        using var limiter = new CoDelRateLimiter(new CoDelOptions { PermitLimit = 3, QueueLimit = 10_000 }, _time);
        var inside = 0;
        var maxInside = 0;

        await Parallel.ForAsync(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            using var lease = await limiter.AcquireAsync(1, ct);
            Assert.True(lease.IsAcquired);   // the clock never moves, so nothing is ever shed
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref maxInside, now);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
        });

        Assert.InRange(maxInside, 1, 3);
        Assert.Equal(3, limiter.AvailablePermits);
        Assert.Equal(0, limiter.QueueLength);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}

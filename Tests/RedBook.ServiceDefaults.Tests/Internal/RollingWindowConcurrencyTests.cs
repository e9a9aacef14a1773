using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Tests.Internal;

[Collection(StressCollection.Name)]
public class RollingWindowConcurrencyTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Add_FromManyThreadsAcrossBuckets_LosesNothing()
    {
        var window = new RollingWindow(100, TimeSpan.FromMilliseconds(10), _time);
        var start = _time.GetTimestamp();
        var bucket = TimeSpan.FromMilliseconds(10).Ticks;

        // 4 threads x 50 buckets x 1000 samples, each thread walking the buckets at its own pace (explicit
        // timestamps), so the claim of each fresh slot races with the other threads' adds into it.
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var b = 0; b < 50; b++)
            {
                for (var i = 0; i < 1000; i++)
                {
                    window.Add(start + (b * bucket), 2);
                }
            }
        });

        Assert.Equal((400_000L, 200_000L), window.Totals(start + (49 * bucket)));
        Assert.Equal(4000, window.MaxCount(start + (49 * bucket), includeCurrent: true, fallback: 0));
    }
}

namespace RedBook.ServiceDefaults.Internal;

/// <summary>
/// A rolling window of fixed-duration buckets over <see cref="TimeProvider"/> timestamps, shared by every
/// behaviour that needs recent history (the SRE breaker, BBR, the retry budget). Each bucket keeps a sum and
/// a count; a bucket older than the window is reset lazily when its slot is reused, so no timer runs.
/// </summary>
/// <remarks>
/// Thread-safe and lock-free. <see cref="Add(long, long)"/> is one volatile read and two interlocked adds in the
/// common case (BBR calls it on every request); rolling a slot over to a new bucket is claimed by one thread with a
/// compare-and-swap while the others spin for the few nanoseconds it takes. Readers see each counter atomically
/// but may see a bucket's sum and count one sample apart, which is fine for statistics. Every operation is
/// O(buckets) at most and allocation-free.
/// </remarks>
internal sealed class RollingWindow
{
    private readonly long[] _epoch;
    private readonly long[] _sum;
    private readonly long[] _count;
    private readonly long _bucketTicks;
    private readonly int _size;

    // An epoch value no real bucket has: the slot is being reset by the thread that claimed it.
    private const long Resetting = long.MinValue + 1;

    /// <summary>Creates a window of <paramref name="buckets"/> buckets of <paramref name="bucketDuration"/> each.</summary>
    public RollingWindow(int buckets, TimeSpan bucketDuration, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bucketDuration, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _size = buckets;
        _epoch = new long[buckets];
        _sum = new long[buckets];
        _count = new long[buckets];
        Array.Fill(_epoch, long.MinValue);
        // Integer arithmetic: through a double, 57.1 ms could come out a timestamp tick short, and bucket edges drift
        // away from whole multiples of the duration as timestamps grow.
        _bucketTicks = Math.Max(1, (long)((Int128)bucketDuration.Ticks * timeProvider.TimestampFrequency / TimeSpan.TicksPerSecond));
        TimeProvider = timeProvider;
        BucketDuration = bucketDuration;
    }

    /// <summary>The clock the window reads.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The number of buckets.</summary>
    public int Buckets => _size;

    /// <summary>The duration of one bucket.</summary>
    public TimeSpan BucketDuration { get; }

    /// <summary>The absolute bucket number (epoch) that contains <paramref name="timestamp"/>.</summary>
    public long EpochOf(long timestamp) => timestamp / _bucketTicks;

    /// <summary>Adds <paramref name="value"/> to the sum of the current bucket and one to its count.</summary>
    public void Add(long value) => Add(TimeProvider.GetTimestamp(), value);

    /// <summary>Adds <paramref name="value"/> to the sum of the bucket holding <paramref name="timestamp"/> and one to its count.</summary>
    public void Add(long timestamp, long value)
    {
        var epoch = timestamp / _bucketTicks;
        var slot = (int)(epoch % _size);
        var current = Volatile.Read(ref _epoch[slot]);
        if (current != epoch && !Claim(slot, epoch, current))
        {
            return; // a sample older than the window: drop it.
        }

        if (value != 0)
        {
            Interlocked.Add(ref _sum[slot], value);
        }

        Interlocked.Increment(ref _count[slot]);
    }

    /// <summary>
    /// The sum and count of the one bucket holding <paramref name="timestamp"/> (zero when its slot holds another
    /// bucket). With <see cref="Totals(long, bool)"/> over the previous buckets, cached for the current bucket, a
    /// reader gets the window's totals in O(1) (the SRE throttle does this on every call).
    /// </summary>
    public (long Sum, long Count) Bucket(long timestamp)
    {
        var epoch = timestamp / _bucketTicks;
        var slot = (int)(epoch % _size);
        if (Volatile.Read(ref _epoch[slot]) != epoch)
        {
            return (0, 0);
        }

        return (Volatile.Read(ref _sum[slot]), Volatile.Read(ref _count[slot]));
    }

    // Makes the slot hold `epoch`, resetting it if it held an older one. False when the slot is newer than the sample.
    private bool Claim(int slot, long epoch, long current)
    {
        var spinner = default(SpinWait);
        while (true)
        {
            if (current == epoch)
            {
                return true;
            }

            if (current == Resetting)
            {
                spinner.SpinOnce();
            }
            else if (current > epoch)
            {
                return false;
            }
            else if (Interlocked.CompareExchange(ref _epoch[slot], Resetting, current) == current)
            {
                Volatile.Write(ref _sum[slot], 0);
                Volatile.Write(ref _count[slot], 0);
                Volatile.Write(ref _epoch[slot], epoch);
                return true;
            }

            current = Volatile.Read(ref _epoch[slot]);
        }
    }

    /// <summary>The total sum and count over the window that ends at <paramref name="timestamp"/>.</summary>
    public (long Sum, long Count) Totals(long timestamp, bool includeCurrent = true)
    {
        var (first, last) = Range(timestamp, includeCurrent);
        var (sum, count, _) = Scan(first, last);
        return (sum, count);
    }

    /// <summary>
    /// As <see cref="Totals(long, bool)"/> over the whole window, also giving the number of buckets from the oldest
    /// one that holds data to the current one (1 when only the current bucket, or none, holds data): how much of the
    /// window the history covers.
    /// </summary>
    public (long Sum, long Count, int Span) TotalsAndSpan(long timestamp)
    {
        var (first, last) = Range(timestamp, includeCurrent: true);
        var (sum, count, oldest) = Scan(first, last);
        return (sum, count, (int)(last - Math.Min(oldest, last)) + 1);
    }

    // The sums and counts of the buckets in [first, last], and the oldest of them that holds data (long.MaxValue: none).
    private (long Sum, long Count, long Oldest) Scan(long first, long last)
    {
        long sum = 0, count = 0, oldest = long.MaxValue;
        for (var i = 0; i < _size; i++)
        {
            var e = Volatile.Read(ref _epoch[i]);
            if (e >= first && e <= last)
            {
                var c = Volatile.Read(ref _count[i]);
                sum += Volatile.Read(ref _sum[i]);
                count += c;
                if (c > 0 && e < oldest)
                {
                    oldest = e;
                }
            }
        }

        return (sum, count, oldest);
    }

    /// <summary>The largest bucket sum in the window, or <paramref name="fallback"/> when no bucket has data.</summary>
    public long MaxSum(long timestamp, bool includeCurrent, long fallback)
    {
        var (first, last) = Range(timestamp, includeCurrent);
        var max = long.MinValue;
        for (var i = 0; i < _size; i++)
        {
            var e = Volatile.Read(ref _epoch[i]);
            var sum = Volatile.Read(ref _sum[i]);
            if (e >= first && e <= last && Volatile.Read(ref _count[i]) > 0 && sum > max)
            {
                max = sum;
            }
        }

        return max == long.MinValue ? fallback : max;
    }

    /// <summary>The largest bucket count in the window, or <paramref name="fallback"/> when no bucket has data.</summary>
    public long MaxCount(long timestamp, bool includeCurrent, long fallback)
    {
        var (first, last) = Range(timestamp, includeCurrent);
        var max = 0L;
        for (var i = 0; i < _size; i++)
        {
            var e = Volatile.Read(ref _epoch[i]);
            var count = Volatile.Read(ref _count[i]);
            if (e >= first && e <= last && count > max)
            {
                max = count;
            }
        }

        return max == 0 ? fallback : max;
    }

    /// <summary>The smallest per-bucket mean (sum / count) in the window, or <paramref name="fallback"/> when no bucket has data.</summary>
    public double MinMean(long timestamp, bool includeCurrent, double fallback)
    {
        var (first, last) = Range(timestamp, includeCurrent);
        var min = double.MaxValue;
        for (var i = 0; i < _size; i++)
        {
            var e = Volatile.Read(ref _epoch[i]);
            var count = Volatile.Read(ref _count[i]);
            if (e >= first && e <= last && count > 0)
            {
                var mean = (double)Volatile.Read(ref _sum[i]) / count;
                if (mean < min)
                {
                    min = mean;
                }
            }
        }

        return min == double.MaxValue ? fallback : min;
    }

    /// <summary>Forgets everything.</summary>
    /// <remarks>A sample added concurrently with the reset may survive it.</remarks>
    public void Reset()
    {
        for (var i = 0; i < _size; i++)
        {
            Volatile.Write(ref _epoch[i], long.MinValue);
            Volatile.Write(ref _sum[i], 0);
            Volatile.Write(ref _count[i], 0);
        }
    }

    private (long First, long Last) Range(long timestamp, bool includeCurrent)
    {
        var current = timestamp / _bucketTicks;
        var last = includeCurrent ? current : current - 1;
        return (current - _size + 1, last);
    }
}

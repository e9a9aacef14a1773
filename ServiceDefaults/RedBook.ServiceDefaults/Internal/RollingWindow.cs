namespace RedBook.ServiceDefaults.Internal;

/// <summary>
/// A rolling window of fixed-duration buckets over <see cref="TimeProvider"/> timestamps, shared by every
/// behaviour that needs recent history (the SRE breaker, BBR, the retry budget). Each bucket keeps a sum and
/// a count; a bucket older than the window is reset lazily when its slot is reused, so no timer runs.
/// </summary>
/// <remarks>Thread-safe. Every operation is O(buckets) at most and allocation-free.</remarks>
internal sealed class RollingWindow
{
    private readonly long[] _epoch;
    private readonly long[] _sum;
    private readonly long[] _count;
    private readonly long _bucketTicks;
    private readonly int _size;
    private readonly Lock _gate = new();

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
        _bucketTicks = Math.Max(1, (long)(bucketDuration.TotalSeconds * timeProvider.TimestampFrequency));
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
        lock (_gate)
        {
            AddLocked(timestamp, value);
        }
    }

    /// <summary>
    /// Atomically adds <paramref name="value"/> to the bucket holding <paramref name="timestamp"/> when
    /// <paramref name="predicate"/> accepts the window's current totals (sum, count), e.g. a budget that may only
    /// be drawn while it has room. Allocation-free with a static lambda.
    /// </summary>
    /// <returns>True when the value was added.</returns>
    public bool TryAdd<TState>(long timestamp, long value, TState state, Func<long, long, TState, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var (first, last) = Range(timestamp, includeCurrent: true);
        lock (_gate)
        {
            long sum = 0, count = 0;
            for (var i = 0; i < _size; i++)
            {
                var e = _epoch[i];
                if (e >= first && e <= last)
                {
                    sum += _sum[i];
                    count += _count[i];
                }
            }

            if (!predicate(sum, count, state))
            {
                return false;
            }

            AddLocked(timestamp, value);
            return true;
        }
    }

    private void AddLocked(long timestamp, long value)
    {
        var epoch = timestamp / _bucketTicks;
        var slot = (int)(epoch % _size);
        if (_epoch[slot] != epoch)
        {
            if (_epoch[slot] > epoch)
            {
                return; // a sample older than the window: drop it.
            }

            _epoch[slot] = epoch;
            _sum[slot] = 0;
            _count[slot] = 0;
        }

        _sum[slot] += value;
        _count[slot]++;
    }

    /// <summary>The total sum and count over the window that ends at <paramref name="timestamp"/>.</summary>
    public (long Sum, long Count) Totals(long timestamp, bool includeCurrent = true)
    {
        var (first, last) = Range(timestamp, includeCurrent);
        long sum = 0, count = 0;
        lock (_gate)
        {
            for (var i = 0; i < _size; i++)
            {
                var e = _epoch[i];
                if (e >= first && e <= last)
                {
                    sum += _sum[i];
                    count += _count[i];
                }
            }
        }

        return (sum, count);
    }

    /// <summary>The largest bucket sum in the window, or <paramref name="fallback"/> when no bucket has data.</summary>
    public long MaxSum(long timestamp, bool includeCurrent, long fallback)
    {
        var (first, last) = Range(timestamp, includeCurrent);
        var max = long.MinValue;
        lock (_gate)
        {
            for (var i = 0; i < _size; i++)
            {
                var e = _epoch[i];
                if (e >= first && e <= last && _count[i] > 0 && _sum[i] > max)
                {
                    max = _sum[i];
                }
            }
        }

        return max == long.MinValue ? fallback : max;
    }

    /// <summary>The smallest per-bucket mean (sum / count) in the window, or <paramref name="fallback"/> when no bucket has data.</summary>
    public double MinMean(long timestamp, bool includeCurrent, double fallback)
    {
        var (first, last) = Range(timestamp, includeCurrent);
        var min = double.MaxValue;
        lock (_gate)
        {
            for (var i = 0; i < _size; i++)
            {
                var e = _epoch[i];
                if (e >= first && e <= last && _count[i] > 0)
                {
                    var mean = (double)_sum[i] / _count[i];
                    if (mean < min)
                    {
                        min = mean;
                    }
                }
            }
        }

        return min == double.MaxValue ? fallback : min;
    }

    /// <summary>Forgets everything.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            Array.Fill(_epoch, long.MinValue);
            Array.Clear(_sum);
            Array.Clear(_count);
        }
    }

    private (long First, long Last) Range(long timestamp, bool includeCurrent)
    {
        var current = timestamp / _bucketTicks;
        var last = includeCurrent ? current : current - 1;
        return (current - _size + 1, last);
    }
}

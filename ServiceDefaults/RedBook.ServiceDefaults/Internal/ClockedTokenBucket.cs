namespace RedBook.ServiceDefaults.Internal;

/// <summary>
/// A token bucket refilled by its owner's <see cref="TimeProvider"/> timer (<see cref="Replenish"/>), so a test clock
/// drives it exactly and the acquire path reads no clock at all; its rate and capacity change in place without losing
/// the tokens it holds.
/// </summary>
/// <remarks>
/// The framework's <c>TokenBucketRateLimiter</c> cannot serve here: with <c>AutoReplenishment = false</c> its
/// <c>TryReplenish</c> adds <c>TokensPerPeriod / ReplenishmentPeriod × elapsed</c>, where <c>elapsed</c> is read from
/// <c>Stopwatch.GetTimestamp()</c> (dotnet/runtime <c>TokenBucketRateLimiter.ReplenishInternal</c>), not from the
/// injected clock, so no <see cref="TimeProvider"/> timer can drive it deterministically.
/// </remarks>
internal sealed class ClockedTokenBucket
{
    private readonly Lock _gate = new();
    private double _tokens;
    private double _capacity;
    private double _rate;
    private long _successful;
    private long _failed;

    /// <summary>Creates a full bucket.</summary>
    public ClockedTokenBucket(double ratePerSecond, double capacity)
    {
        SetShapeLocked(ratePerSecond, capacity);
        _tokens = _capacity;
    }

    /// <summary>Whole tokens available now.</summary>
    public long Available
    {
        get
        {
            lock (_gate)
            {
                return (long)_tokens;
            }
        }
    }

    /// <summary>The most tokens the bucket holds.</summary>
    public double Capacity
    {
        get
        {
            lock (_gate)
            {
                return _capacity;
            }
        }
    }

    public long TotalSuccessful => Volatile.Read(ref _successful);

    public long TotalFailed => Volatile.Read(ref _failed);

    /// <summary>Takes <paramref name="permits"/> if they are all there.</summary>
    public bool TryTake(int permits)
    {
        lock (_gate)
        {
            if (_tokens >= permits)
            {
                _tokens -= permits;
                _successful++;
                return true;
            }

            _failed++;
            return false;
        }
    }

    /// <summary>Adds <paramref name="elapsed"/> worth of the rate, up to the capacity (the owner's timer calls this).</summary>
    public void Replenish(TimeSpan elapsed)
    {
        lock (_gate)
        {
            _tokens = Math.Min(_capacity, _tokens + (_rate * elapsed.TotalSeconds));
        }
    }

    /// <summary>Changes the rate and capacity, keeping the tokens held (capped at the new capacity).</summary>
    public void Reshape(double ratePerSecond, double capacity)
    {
        lock (_gate)
        {
            SetShapeLocked(ratePerSecond, capacity);
            _tokens = Math.Min(_tokens, _capacity);
        }
    }

    private void SetShapeLocked(double ratePerSecond, double capacity)
    {
        _rate = Math.Max(0, ratePerSecond);
        _capacity = Math.Max(0, capacity);
    }
}

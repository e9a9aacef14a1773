namespace RedBook.ServiceDefaults.Internal;

/// <summary>
/// A token bucket whose refill is computed lazily from <see cref="TimeProvider"/> timestamps (no timer, no
/// <c>Stopwatch</c>), so a test clock drives it exactly, and whose rate and capacity can change in place without
/// losing the tokens it holds.
/// </summary>
/// <remarks>
/// The framework's <c>TokenBucketRateLimiter</c> cannot serve here: with <c>AutoReplenishment = false</c> its
/// <c>TryReplenish</c> adds <c>TokensPerPeriod / ReplenishmentPeriod × elapsed</c>, where <c>elapsed</c> is read from
/// <c>Stopwatch.GetTimestamp()</c> (dotnet/runtime <c>TokenBucketRateLimiter.ReplenishInternal</c>), not from the
/// injected clock, so no <see cref="TimeProvider"/> timer can drive it deterministically.
/// </remarks>
internal sealed class ClockedTokenBucket
{
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private double _tokens;
    private double _capacity;
    private double _tokensPerTimestampTick;
    private long _last;
    private long _successful;
    private long _failed;

    /// <summary>Creates a full bucket.</summary>
    public ClockedTokenBucket(TimeProvider timeProvider, double ratePerSecond, double capacity)
    {
        _timeProvider = timeProvider;
        _last = timeProvider.GetTimestamp();
        SetShapeLocked(ratePerSecond, capacity);
        _tokens = _capacity;
    }

    /// <summary>The permits per second.</summary>
    public double Rate
    {
        get
        {
            lock (_gate)
            {
                return _tokensPerTimestampTick * _timeProvider.TimestampFrequency;
            }
        }
    }

    /// <summary>Tokens available now (whole permits).</summary>
    public long Available
    {
        get
        {
            lock (_gate)
            {
                Refill(_timeProvider.GetTimestamp());
                return (long)_tokens;
            }
        }
    }

    public long TotalSuccessful => Volatile.Read(ref _successful);

    public long TotalFailed => Volatile.Read(ref _failed);

    /// <summary>Takes <paramref name="permits"/> if they are all there.</summary>
    public bool TryTake(int permits)
    {
        var now = _timeProvider.GetTimestamp();
        lock (_gate)
        {
            Refill(now);
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

    /// <summary>Changes the rate and capacity, keeping the tokens held (capped at the new capacity).</summary>
    public void Reshape(double ratePerSecond, double capacity)
    {
        var now = _timeProvider.GetTimestamp();
        lock (_gate)
        {
            Refill(now);
            SetShapeLocked(ratePerSecond, capacity);
            _tokens = Math.Min(_tokens, _capacity);
        }
    }

    private void SetShapeLocked(double ratePerSecond, double capacity)
    {
        _tokensPerTimestampTick = Math.Max(0, ratePerSecond) / _timeProvider.TimestampFrequency;
        _capacity = Math.Max(0, capacity);
    }

    private void Refill(long now)
    {
        var elapsed = now - _last;
        if (elapsed > 0)
        {
            _tokens = Math.Min(_capacity, _tokens + (elapsed * _tokensPerTimestampTick));
            _last = now;
        }
    }
}

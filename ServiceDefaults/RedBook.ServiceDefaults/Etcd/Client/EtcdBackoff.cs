using System.Security.Cryptography;

namespace RedBook.ServiceDefaults.Etcd.Client;

/// <summary>
/// Exponential backoff for reconnecting to etcd: <c>min(max, initial * 2^attempt)</c>, times a jitter factor in
/// [0.8, 1.2] so that many instances do not reconnect in lockstep after an etcd restart. Not thread-safe: each
/// retry loop owns one.
/// </summary>
internal sealed class EtcdBackoff
{
    private readonly Func<TimeSpan> _initial;
    private readonly Func<TimeSpan> _max;
    private readonly Func<double> _jitter;
    private int _attempt;

    public EtcdBackoff(Func<TimeSpan> initial, Func<TimeSpan> max, Func<double>? jitter = null)
    {
        _initial = initial;
        _max = max;
        _jitter = jitter ?? DefaultJitter;
    }

    /// <summary>The number of delays handed out since the last <see cref="Reset"/>.</summary>
    public int Attempt => _attempt;

    /// <summary>Returns the next delay and counts the attempt.</summary>
    public TimeSpan Next()
    {
        var initial = _initial();
        var max = _max();
        if (max < initial)
        {
            max = initial;
        }

        var exponent = Math.Min(_attempt, 30);
        _attempt++;
        var raw = Math.Min(max.Ticks, initial.Ticks * Math.Pow(2, exponent));
        var jittered = raw * Math.Clamp(_jitter(), 0.8, 1.2);
        return TimeSpan.FromTicks((long)Math.Min(jittered, max.Ticks));
    }

    /// <summary>Starts over from the initial delay (after a success).</summary>
    public void Reset() => _attempt = 0;

    private static double DefaultJitter() => RandomNumberGenerator.GetInt32(800, 1201) / 1000.0;
}

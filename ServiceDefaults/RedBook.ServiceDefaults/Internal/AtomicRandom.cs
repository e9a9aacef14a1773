namespace RedBook.ServiceDefaults.Internal;

/// <summary>
/// A lock-free, thread-safe, seedable pseudo-random source: SplitMix64 over an atomic counter. Every call adds
/// the golden-ratio increment to the state with one <see cref="Interlocked.Add(ref long, long)"/> and mixes the
/// result, so concurrent callers never share an output and a single-threaded caller with the same seed gets the
/// same sequence (deterministic tests and simulations). Not for cryptography.
/// </summary>
internal sealed class AtomicRandom
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private long _state;

    /// <summary>Creates a source seeded with <paramref name="seed"/>, or from <see cref="Random.Shared"/> when null.</summary>
    public AtomicRandom(long? seed = null)
    {
        _state = seed ?? Random.Shared.NextInt64();
    }

    /// <summary>Returns 64 uniformly distributed random bits.</summary>
    public ulong NextUInt64()
    {
        var z = unchecked((ulong)Interlocked.Add(ref _state, unchecked((long)Gamma)));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns a uniformly distributed double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// Two distinct indices in [0, <paramref name="count"/>) from one draw (Lemire's multiply-shift on each 32-bit
    /// half). <paramref name="count"/> must be at least 2.
    /// </summary>
    public (int First, int Second) NextDistinctPair(int count)
    {
        var r = NextUInt64();
        var a = (int)(((r & 0xFFFF_FFFFUL) * (ulong)count) >> 32);
        var b = (int)(((r >> 32) * (ulong)(count - 1)) >> 32);
        if (b >= a)
        {
            b++;
        }

        return (a, b);
    }
}

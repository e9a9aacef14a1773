namespace RedBook.Bff.Core.Degrade;

/// <summary>
/// The shared second level of the last good copies (mio's "a copy in the local cache and one in Redis"): every replica
/// saves what its calls return, and a replica with no copy of its own (it just started, or another replica served the
/// key) reads the shared one when the call fails. The first level is each replica's <c>DegradeCache</c>.
/// </summary>
public interface IStaleCopyStore
{
    /// <summary>Saves <paramref name="value"/> as the last good copy of <paramref name="key"/> in <paramref name="cache"/>, kept for <paramref name="timeToLive"/>; never waits, never throws.</summary>
    void Save<T>(string cache, string key, T value, TimeSpan timeToLive)
        where T : class;

    /// <summary>The last good copy of <paramref name="key"/> in <paramref name="cache"/>, or null (none, or the store failed: a copy is best effort).</summary>
    Task<T?> GetAsync<T>(string cache, string key, CancellationToken cancellationToken)
        where T : class;
}

/// <summary>No shared copies (a BFF without Redis): each replica serves its own.</summary>
public sealed class NoStaleCopyStore : IStaleCopyStore
{
    /// <inheritdoc />
    public void Save<T>(string cache, string key, T value, TimeSpan timeToLive)
        where T : class
    {
    }

    /// <inheritdoc />
    public Task<T?> GetAsync<T>(string cache, string key, CancellationToken cancellationToken)
        where T : class => Task.FromResult<T?>(null);
}

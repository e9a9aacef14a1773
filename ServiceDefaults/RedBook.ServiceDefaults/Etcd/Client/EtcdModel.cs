using System.Text;

namespace RedBook.ServiceDefaults.Etcd.Client;

/// <summary>One key-value pair as etcd stores it.</summary>
internal sealed class EtcdKeyValue
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public EtcdKeyValue(byte[] key, byte[] value, long createRevision, long modRevision, long version, long lease)
    {
        KeyBytes = key;
        Value = value;
        CreateRevision = createRevision;
        ModRevision = modRevision;
        Version = version;
        Lease = lease;
        Key = TryDecode(key, out var text) ? text : null;
    }

    /// <summary>The key's bytes.</summary>
    public byte[] KeyBytes { get; }

    /// <summary>The key as UTF-8 text, or null when its bytes are not valid UTF-8.</summary>
    public string? Key { get; }

    /// <summary>The value's bytes (empty for a delete event).</summary>
    public byte[] Value { get; }

    public long CreateRevision { get; }

    public long ModRevision { get; }

    public long Version { get; }

    public long Lease { get; }

    /// <summary>Decodes <paramref name="bytes"/> as strict UTF-8 (invalid sequences fail instead of becoming U+FFFD).</summary>
    public static bool TryDecode(byte[] bytes, out string text)
    {
        try
        {
            text = s_strictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    internal static EtcdKeyValue FromWire(EtcdWireKeyValue kv) =>
        new(kv.Key ?? [], kv.Value ?? [], kv.CreateRevision, kv.ModRevision, kv.Version, kv.Lease);
}

/// <summary>The result of a range: the pairs and the store revision they were read at.</summary>
internal sealed record EtcdRangeResult(IReadOnlyList<EtcdKeyValue> Kvs, long Revision);

/// <summary>A granted lease.</summary>
internal readonly record struct EtcdLease(long Id, TimeSpan Ttl);

/// <summary>The kind of a watch event.</summary>
internal enum EtcdEventType
{
    Put,
    Delete,
}

/// <summary>One change seen by a watch.</summary>
internal sealed record EtcdWatchEvent(EtcdEventType Type, EtcdKeyValue Kv);

/// <summary>
/// What a watch yields: either a batch of <see cref="Events"/>, or — after the watched history was compacted away
/// while the watcher was disconnected — a full <see cref="Snapshot"/> of the range that replaces everything the
/// consumer knew. <see cref="Revision"/> is the store revision the update brings the consumer to.
/// </summary>
internal sealed class EtcdWatchUpdate
{
    private EtcdWatchUpdate(IReadOnlyList<EtcdWatchEvent> events, IReadOnlyList<EtcdKeyValue>? snapshot, long revision)
    {
        Events = events;
        Snapshot = snapshot;
        Revision = revision;
    }

    public IReadOnlyList<EtcdWatchEvent> Events { get; }

    /// <summary>Non-null when this update is a full re-read of the range.</summary>
    public IReadOnlyList<EtcdKeyValue>? Snapshot { get; }

    public bool IsSnapshot => Snapshot is not null;

    public long Revision { get; }

    public static EtcdWatchUpdate ForEvents(IReadOnlyList<EtcdWatchEvent> events, long revision) => new(events, null, revision);

    public static EtcdWatchUpdate ForSnapshot(IReadOnlyList<EtcdKeyValue> snapshot, long revision) => new([], snapshot, revision);
}

/// <summary>Key helpers: the prefix range end etcd uses (the key with its last byte incremented).</summary>
internal static class EtcdKeys
{
    public static byte[] Encode(string key) => Encoding.UTF8.GetBytes(key);

    /// <summary>The smallest key greater than every key starting with <paramref name="prefix"/>.</summary>
    public static byte[] PrefixEnd(byte[] prefix)
    {
        var end = (byte[])prefix.Clone();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xff)
            {
                end[i]++;
                return end.AsSpan(0, i + 1).ToArray();
            }
        }

        // Every byte is 0xff (or the prefix is empty): "\0" means "to the end of the keyspace".
        return [0];
    }
}

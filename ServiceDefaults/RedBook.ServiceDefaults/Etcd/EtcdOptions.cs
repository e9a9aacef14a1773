using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Etcd;

/// <summary>
/// How RedBook reaches etcd: bound from <c>RedBook:Etcd</c> (the AppHost passes
/// <c>RedBook__Etcd__Endpoints__0</c>). The client reads these on every call, so endpoint and timeout changes
/// apply without a restart.
/// </summary>
public class EtcdOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "RedBook:Etcd";

    /// <summary>
    /// The client URLs of the etcd members, for example <c>http://127.0.0.1:2379</c>. <c>https://</c> endpoints use
    /// TLS. The client sticks to one endpoint and fails over to the next when it cannot be reached.
    /// </summary>
    /// <value>Empty; at least one endpoint is required.</value>
    [MinLength(1)]
    public IList<string> Endpoints { get; } = [];

    /// <summary>The etcd user name when etcd has auth enabled; null for no auth.</summary>
    /// <value>Null.</value>
    public string? Username { get; set; }

    /// <summary>The etcd password for <see cref="Username"/>.</summary>
    /// <value>Null.</value>
    public string? Password { get; set; }

    /// <summary>The timeout of one unary request (range, put, txn, lease calls) against one endpoint.</summary>
    /// <value>5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first delay before retrying after etcd could not be reached; it doubles up to <see cref="RetryBackoffMax"/>.</summary>
    /// <value>200 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RetryBackoffInitial { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between retries while etcd is unreachable.</summary>
    /// <value>10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryBackoffMax { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a watch may receive nothing (no event, no progress notification) before it is re-opened at the next
    /// revision. A stream that hangs without closing (a half-dead connection, a stuck proxy) then costs at most this
    /// much staleness instead of forever. Watches ask etcd for progress notifications, so with etcd's
    /// <c>--experimental-watch-progress-notify-interval</c> below this value a quiet, healthy watch is never re-opened;
    /// otherwise it is re-opened once per interval, which costs one request and loses nothing.
    /// </summary>
    /// <value>5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan WatchIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Copies every setting of this instance onto <paramref name="target"/>.</summary>
    internal void CopyTo(EtcdOptions target)
    {
        target.Endpoints.Clear();
        foreach (var endpoint in Endpoints)
        {
            target.Endpoints.Add(endpoint);
        }

        target.Username = Username;
        target.Password = Password;
        target.RequestTimeout = RequestTimeout;
        target.RetryBackoffInitial = RetryBackoffInitial;
        target.RetryBackoffMax = RetryBackoffMax;
        target.WatchIdleTimeout = WatchIdleTimeout;
    }
}

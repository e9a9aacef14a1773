namespace RedBook.ServiceDefaults.CoDel;

/// <summary>Defaults and names of the CoDel admission queue.</summary>
public static class CoDelConstants
{
    /// <summary>The configuration section of the default queue; a named queue reads <c>RedBook:CoDel:{name}</c>.</summary>
    public const string ConfigurationSection = "RedBook:CoDel";

    /// <summary>The default target queueing delay: 5 ms (folly's Codel.cpp).</summary>
    public static readonly TimeSpan DefaultTargetDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>The default interval over which the minimum delay is judged: 100 ms (folly's Codel.cpp).</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The default number of requests served at once.</summary>
    public const int DefaultPermitLimit = 100;

    /// <summary>The default number of requests that may wait.</summary>
    public const int DefaultQueueLimit = 1000;

    /// <summary>The name of the counter of shed requests (tagged with <see cref="ReasonTag"/>).</summary>
    public const string ShedCounterName = "redbook.codel.shed";

    /// <summary>The name of the queue length gauge.</summary>
    public const string QueueLengthGaugeName = "redbook.codel.queue_length";

    /// <summary>The tag that names the limiter.</summary>
    public const string LimiterTag = "redbook.limiter";

    /// <summary>The tag that says why a request was shed: <c>sloughed</c>, <c>queue_full</c> or <c>no_permit</c>.</summary>
    public const string ReasonTag = "redbook.shed_reason";

    internal const string SloughedPhrase = "Overloaded: the request waited too long in the admission queue (CoDel); do not retry.";
    internal const string QueueFullPhrase = "Overloaded: the admission queue is full; do not retry.";
    internal const string NoPermitPhrase = "Overloaded: no permit is free and an attempt does not wait; do not retry.";
}

using System.ComponentModel.DataAnnotations;

namespace RedBook.Feed.Core;

/// <summary>The feed's knobs, bound from <c>RedBook:Feed</c> and validated at start-up.</summary>
public sealed class FeedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:Feed";

    /// <summary>How long a cached note lives.</summary>
    /// <value>5 minutes; 1 second to 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan NoteCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the cached hot-notes ranking lives (the job replaces the ranking more often than that is useful).</summary>
    /// <value>1 minute; 1 second to 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan HotNotesCacheTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a "no such value" result stays cached (against cache penetration).</summary>
    /// <value>30 seconds; 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan NullCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many notes the hot ranking keeps.</summary>
    /// <value>100; 1 to 1000.</value>
    [Range(1, 1000)]
    public int HotNotesSize { get; set; } = 100;

    /// <summary>How far back the ranking looks for candidates.</summary>
    /// <value>7 days; 1 hour to 90 days.</value>
    [Range(typeof(TimeSpan), "01:00:00", "90.00:00:00")]
    public TimeSpan HotNotesWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The most candidates (newest first within the window) one recomputation scores.</summary>
    /// <value>5000; 1 to 100000.</value>
    [Range(1, 100_000)]
    public int HotNotesMaxCandidates { get; set; } = 5000;

    /// <summary>How many followed authors (the most recently followed) a timeline read covers.</summary>
    /// <value>1000; 1 to 10000.</value>
    [Range(1, 10_000)]
    public int TimelineMaxAuthors { get; set; } = 1000;
}

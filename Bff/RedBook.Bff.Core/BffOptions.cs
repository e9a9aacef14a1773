using System.ComponentModel.DataAnnotations;

namespace RedBook.Bff.Core;

/// <summary>
/// The BFF's settings, bound from <c>RedBook:Bff</c> and read live (<c>IOptionsMonitor</c>): a put under
/// <c>/redbook/config/bff/RedBook/Bff/...</c> in etcd applies to the next request.
/// </summary>
public sealed class BffOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:Bff";

    /// <summary>The degrade switches.</summary>
    [Required]
    public BffDegradeOptions Degrade { get; set; } = new();

    /// <summary>Who the user is.</summary>
    [Required]
    public BffIdentityOptions Identity { get; set; } = new();

    /// <summary>
    /// The longest a screen waits for one dependency call. Each call also ends <see cref="ComposeReserve"/> before the
    /// request's own deadline, so a part that times out leaves time to answer with the others.
    /// </summary>
    /// <value>800 ms. Between 10 ms and 1 min.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PartTimeout { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>The time kept back from the request's deadline to compose the answer when a part is late.</summary>
    /// <value>100 ms. Between 0 and 10 s.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan ComposeReserve { get; set; } = TimeSpan.FromMilliseconds(100);

//#if (IncludeMall)
    /// <summary>How many products the home screen recommends.</summary>
    /// <value>6. Between 1 and 20.</value>
    [Range(1, 20)]
    public int RecommendedProducts { get; set; } = 6;

//#endif
    /// <summary>How many comments a note's screen shows before the client pages on.</summary>
    /// <value>20. Between 1 and 100.</value>
    [Range(1, 100)]
    public int CommentsPreview { get; set; } = 20;

    /// <summary>How many followed authors a profile shows.</summary>
    /// <value>20. Between 1 and 100.</value>
    [Range(1, 100)]
    public int FollowingPreview { get; set; } = 20;
}

/// <summary>
/// The degrade switches (mio's "degrade switch in dynamic config"): while one is on, the BFF does not call that
/// dependency for reads; it serves the last good copy, else a default, and marks the parts degraded. Writes still
/// call.
/// </summary>
public sealed class BffDegradeOptions
{
    /// <summary>Every dependency: <c>RedBook:Bff:Degrade:Force</c>.</summary>
    public bool Force { get; set; }

    /// <summary>The feed service only: <c>RedBook:Bff:Degrade:Feed:Force</c>.</summary>
    [Required]
    public DependencySwitch Feed { get; set; } = new();

//#if (IncludeMall)
    /// <summary>The mall service only: <c>RedBook:Bff:Degrade:Mall:Force</c>.</summary>
    [Required]
    public DependencySwitch Mall { get; set; } = new();

//#endif
    /// <summary>True when reads of <paramref name="dependency"/> are forced to degrade.</summary>
    public bool IsForced(BffDependency dependency) => Force || dependency switch
    {
        BffDependency.Feed => Feed.Force,
//#if (IncludeMall)
        BffDependency.Mall => Mall.Force,
//#endif
        _ => false,
    };
}

/// <summary>One dependency's switch.</summary>
public sealed class DependencySwitch
{
    /// <summary>Serve copies and defaults without calling the dependency.</summary>
    public bool Force { get; set; }
}

/// <summary>How the BFF learns the user's id.</summary>
public sealed class BffIdentityOptions
{
    /// <summary>
    /// Accept the platform's user metadata header (<c>x-md-global-uid</c>) from the caller when there is no bearer
    /// token. Only for development, or behind a gateway that authenticates the user and overwrites the header.
    /// </summary>
    /// <value>false (appsettings.Development.json turns it on).</value>
    public bool AllowUserHeader { get; set; }
}

/// <summary>The services the BFF calls.</summary>
public enum BffDependency
{
    /// <summary>feed.v1 (notes, likes, comments, follows, timelines).</summary>
    Feed = 0,

//#if (IncludeMall)
    /// <summary>mall.v1 (products, orders).</summary>
    Mall = 1,
//#endif
}

using RedBook.Bff.Core.Degrade;
using RedBook.Bff.Core.Feed;

namespace RedBook.Bff.Core.Composition;

/// <summary>The degradable parts that come from the feed, each with its own cache (named for <c>RedBook:Degrade:{name}</c>).</summary>
/// <param name="Timeline">Timeline pages, per user (<c>bff-timeline</c>).</param>
/// <param name="Popular">Hot-ranking pages (<c>bff-popular</c>): the default of the timeline.</param>
/// <param name="Note">Notes by id (<c>bff-note</c>).</param>
/// <param name="Comments">Comment pages (<c>bff-comments</c>).</param>
/// <param name="AuthorNotes">Pages of an author's notes (<c>bff-author-notes</c>).</param>
/// <param name="Following">Pages of whom a user follows (<c>bff-following</c>).</param>
/// <param name="Explore">Pages of recent notes and of notes by tag (<c>bff-explore</c>).</param>
public sealed record FeedParts(
    PartCache<NotePage> Timeline,
    PartCache<NotePage> Popular,
    PartCache<NoteView> Note,
    PartCache<CommentPage> Comments,
    PartCache<NotePage> AuthorNotes,
    PartCache<FollowingPage> Following,
    PartCache<NotePage> Explore)
{
    /// <summary>The cache names, in the order of the parameters.</summary>
    public static readonly string[] CacheNames = ["bff-timeline", "bff-popular", "bff-note", "bff-comments", "bff-author-notes", "bff-following", "bff-explore"];
}

namespace RedBook.Feed.Core.Notes;

/// <summary>
/// A note as stored: its content, the mall products it tags, and the like and comment counters that the
/// <c>feed-counters</c> consumer keeps from the <c>feed.notes</c> events (eventually consistent).
/// </summary>
public sealed record Note
{
    /// <summary>The id (UUIDv7, see <see cref="RedBook.Domain.EntityIds"/>).</summary>
    public required string Id { get; init; }

    /// <summary>The author's user id.</summary>
    public required string AuthorId { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>The text.</summary>
    public required string Body { get; init; }

    /// <summary>Normalised tags (lower case, no '#').</summary>
    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>Image references (URLs or object keys), in display order.</summary>
    public required IReadOnlyList<string> ImageRefs { get; init; }

    /// <summary>The mall products the note tags.</summary>
    public required IReadOnlyList<string> ProductIds { get; init; }

    /// <summary>When the note was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>How many users like the note.</summary>
    public long LikeCount { get; init; }

    /// <summary>How many comments the note has.</summary>
    public long CommentCount { get; init; }
}

/// <summary>A validated new note (built by the edge through <see cref="Validation.FeedRules"/>).</summary>
public sealed record NoteDraft(
    string Title,
    string Body,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> ImageRefs,
    IReadOnlyList<string> ProductIds);

/// <summary>What a reader sees: the note and the sales count of each product it tags (0 when none sold yet).</summary>
public sealed record NoteView(Note Note, IReadOnlyList<ProductSales> ProductSales);

/// <summary>How many units of a mall product were sold (placed minus cancelled orders), kept by the <c>feed-sales</c> consumer.</summary>
public sealed record ProductSales(string ProductId, long Sold);

/// <summary>A comment on a note.</summary>
public sealed record Comment(string Id, string NoteId, string AuthorId, string Body, DateTimeOffset CreatedAt);

/// <summary>The result of a like or unlike: whether the state changed, and whether the note exists.</summary>
public enum ToggleOutcome
{
    /// <summary>The like was added or removed.</summary>
    Changed,

    /// <summary>The like was already in the requested state; nothing was written.</summary>
    Unchanged,

    /// <summary>The note does not exist; nothing was written.</summary>
    NoteNotFound,
}

/// <summary>The result of deleting a comment.</summary>
public enum DeleteCommentOutcome
{
    /// <summary>The comment was deleted.</summary>
    Deleted,

    /// <summary>No such comment on that note.</summary>
    NotFound,

    /// <summary>The requester is not the comment's author; nothing was deleted.</summary>
    NotAuthor,
}

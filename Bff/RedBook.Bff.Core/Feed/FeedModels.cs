namespace RedBook.Bff.Core.Feed;

/// <summary>A note as the app shows it.</summary>
/// <param name="Id">The note's id.</param>
/// <param name="AuthorId">Its author.</param>
/// <param name="Title">The title.</param>
/// <param name="Body">The text.</param>
/// <param name="Tags">Its tags, lower-case, without '#'.</param>
/// <param name="ImageRefs">Image URLs or object keys.</param>
/// <param name="Products">The mall products it tags, each with its units sold.</param>
/// <param name="CreatedAt">When it was posted.</param>
/// <param name="LikeCount">Likes (eventually consistent).</param>
/// <param name="CommentCount">Comments (eventually consistent).</param>
public sealed record NoteView(
    string Id,
    string AuthorId,
    string Title,
    string Body,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> ImageRefs,
    IReadOnlyList<TaggedProduct> Products,
    DateTimeOffset CreatedAt,
    long LikeCount,
    long CommentCount);

/// <summary>A product a note tags, with its units sold.</summary>
public sealed record TaggedProduct(string ProductId, long Sold);

/// <summary>A page of notes; an empty <paramref name="NextPageToken"/> is the last page.</summary>
public sealed record NotePage(IReadOnlyList<NoteView> Notes, string NextPageToken);

/// <summary>A comment.</summary>
public sealed record CommentView(string Id, string NoteId, string AuthorId, string Body, DateTimeOffset CreatedAt);

/// <summary>A page of comments, newest first.</summary>
public sealed record CommentPage(IReadOnlyList<CommentView> Comments, string NextPageToken);

/// <summary>An author someone follows.</summary>
public sealed record FollowingView(string AuthorId, DateTimeOffset FollowedAt);

/// <summary>A page of followed authors, most recent first.</summary>
public sealed record FollowingPage(IReadOnlyList<FollowingView> Following, string NextPageToken);

/// <summary>A note to post (validated by the BFF's validation).</summary>
public sealed record NewNote(string Title, string Body, IReadOnlyList<string> Tags, IReadOnlyList<string> ImageRefs, IReadOnlyList<string> ProductIds);

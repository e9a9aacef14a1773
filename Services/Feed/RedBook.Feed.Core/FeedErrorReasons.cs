namespace RedBook.Feed.Core;

/// <summary>The reasons the feed service emits (google.rpc.ErrorInfo reasons, all prefixed <c>FEED_</c>).</summary>
public static class FeedErrorReasons
{
    /// <summary>The prefix shared by all feed reasons.</summary>
    public const string Prefix = "FEED_";

    /// <summary>A request field is invalid (INVALID_ARGUMENT, with field violations).</summary>
    public const string InvalidArgument = "FEED_INVALID_ARGUMENT";

    /// <summary>The note does not exist (NOT_FOUND).</summary>
    public const string NoteNotFound = "FEED_NOTE_NOT_FOUND";

    /// <summary>The comment does not exist on that note (NOT_FOUND).</summary>
    public const string CommentNotFound = "FEED_COMMENT_NOT_FOUND";

    /// <summary>Only a comment's author may delete it (PERMISSION_DENIED).</summary>
    public const string NotCommentAuthor = "FEED_NOT_COMMENT_AUTHOR";
}

namespace RedBook.Feed.Core;

/// <summary>The domain prefix of every error reason the feed service emits (for example <c>FEED_NOTE_NOT_FOUND</c>).</summary>
public static class FeedErrorReasons
{
    /// <summary>The prefix shared by all feed reasons.</summary>
    public const string Prefix = "FEED_";
}

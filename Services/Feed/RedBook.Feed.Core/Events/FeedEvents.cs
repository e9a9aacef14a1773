using RedBook.Feed.Core.Notes;
using RedBook.Messaging.Outbox;

namespace RedBook.Feed.Core.Events;

/// <summary>The <c>feed.notes</c> topic's event types (key: the note id).</summary>
public static class FeedTopics
{
    /// <summary>The topic of note events.</summary>
    public const string Notes = "feed.notes";

    /// <summary><see cref="NoteCreated"/>.</summary>
    public const string NoteCreatedType = "note.created";

    /// <summary><see cref="NoteLiked"/>.</summary>
    public const string NoteLikedType = "note.liked";

    /// <summary><see cref="NoteUnliked"/>.</summary>
    public const string NoteUnlikedType = "note.unliked";

    /// <summary><see cref="NoteCommented"/>.</summary>
    public const string NoteCommentedType = "note.commented";

    /// <summary><see cref="NoteCommentDeleted"/>.</summary>
    public const string NoteCommentDeletedType = "note.comment-deleted";

    /// <summary>The consumer group that keeps the like and comment counters of notes from <see cref="Notes"/>.</summary>
    public const string CountersConsumerGroup = "feed-counters";

    /// <summary>
    /// The consumer group whose processed-message records guard the per-product sales counters (with the mall: the
    /// consumer of the mall's order events).
    /// </summary>
    public const string SalesConsumerGroup = "feed-sales";

//#if (IncludeMall)

    /// <summary>The mall's order topic, which <see cref="SalesConsumerGroup"/> reads.</summary>
    public const string MallOrders = "mall.orders";
//#endif
}

/// <summary><c>note.created</c>.</summary>
public sealed record NoteCreated(string NoteId, string AuthorId, string Title, IReadOnlyList<string> Tags, IReadOnlyList<string> ProductIds, DateTimeOffset CreatedAt);

/// <summary><c>note.liked</c>.</summary>
public sealed record NoteLiked(string NoteId, string UserId, DateTimeOffset LikedAt);

/// <summary><c>note.unliked</c>.</summary>
public sealed record NoteUnliked(string NoteId, string UserId, DateTimeOffset UnlikedAt);

/// <summary><c>note.commented</c>.</summary>
public sealed record NoteCommented(string NoteId, string CommentId, string AuthorId, DateTimeOffset CommentedAt);

/// <summary><c>note.comment-deleted</c>.</summary>
public sealed record NoteCommentDeleted(string NoteId, string CommentId);

//#if (IncludeMall)
/// <summary>The feed's reading of the mall's <c>order.placed</c> (only what the sales count needs).</summary>
public sealed record MallOrderPlaced(string OrderId, IReadOnlyList<MallOrderItem> Items);

/// <summary>The feed's reading of the mall's <c>order.cancelled</c>.</summary>
public sealed record MallOrderCancelled(string OrderId, IReadOnlyList<MallOrderItem> Items);

/// <summary>A product and quantity of a mall order event.</summary>
public sealed record MallOrderItem(string ProductId, int Quantity);
//#endif

/// <summary>Builds the outbox messages of the feed's state changes (written by the store in the same transaction).</summary>
public static class FeedEvents
{
    /// <summary><c>note.created</c> for <paramref name="note"/>.</summary>
    public static OutboxMessage NoteCreated(Note note, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(note);
        return OutboxMessage.Create(FeedTopics.Notes, note.Id, FeedTopics.NoteCreatedType,
            new NoteCreated(note.Id, note.AuthorId, note.Title, note.Tags, note.ProductIds, note.CreatedAt), FeedJsonContext.Default.NoteCreated, timeProvider);
    }

    /// <summary><c>note.liked</c>.</summary>
    public static OutboxMessage NoteLiked(string noteId, string userId, TimeProvider timeProvider) =>
        OutboxMessage.Create(FeedTopics.Notes, noteId, FeedTopics.NoteLikedType,
            new NoteLiked(noteId, userId, Now(timeProvider)), FeedJsonContext.Default.NoteLiked, timeProvider);

    /// <summary><c>note.unliked</c>.</summary>
    public static OutboxMessage NoteUnliked(string noteId, string userId, TimeProvider timeProvider) =>
        OutboxMessage.Create(FeedTopics.Notes, noteId, FeedTopics.NoteUnlikedType,
            new NoteUnliked(noteId, userId, Now(timeProvider)), FeedJsonContext.Default.NoteUnliked, timeProvider);

    /// <summary><c>note.commented</c> for <paramref name="comment"/>.</summary>
    public static OutboxMessage NoteCommented(Comment comment, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(comment);
        return OutboxMessage.Create(FeedTopics.Notes, comment.NoteId, FeedTopics.NoteCommentedType,
            new NoteCommented(comment.NoteId, comment.Id, comment.AuthorId, comment.CreatedAt), FeedJsonContext.Default.NoteCommented, timeProvider);
    }

    /// <summary><c>note.comment-deleted</c>.</summary>
    public static OutboxMessage NoteCommentDeleted(string noteId, string commentId, TimeProvider timeProvider) =>
        OutboxMessage.Create(FeedTopics.Notes, noteId, FeedTopics.NoteCommentDeletedType,
            new NoteCommentDeleted(noteId, commentId), FeedJsonContext.Default.NoteCommentDeleted, timeProvider);

    private static DateTimeOffset Now(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return timeProvider.GetUtcNow();
    }
}

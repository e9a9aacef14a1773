using RedBook.Feed.Core.Hot;
using RedBook.Feed.Core.Notes;
using RedBook.Domain.Paging;
using RedBook.Feed.Core.Timeline;
using RedBook.Messaging.Outbox;

namespace RedBook.Feed.Core;

/// <summary>
/// The feed's store. Every method that takes an <see cref="OutboxMessage"/> writes it in the same transaction as
/// its state change, and only when the state changed. Listings are keyset pages, newest first (by the time-ordered
/// ids): a <see cref="PageRequest"/> returns up to <see cref="PageRequest.Size"/> items strictly after
/// <see cref="PageRequest.After"/>. Consumers' methods are idempotent per (consumer group, message id): they
/// return false, and change nothing, for a message already applied. Implementations: SQLite and MongoDB in
/// RedBook.Feed.Infrastructure; both pass the same contract test suite.
/// </summary>
public interface IFeedStore : IOutboxStore
{
    /// <summary>Creates the schema and the indexes if they are missing (idempotent; called at start-up).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Inserts the note and its <c>note.created</c> event.</summary>
    Task CreateNoteAsync(Note note, OutboxMessage created, CancellationToken cancellationToken);

    /// <summary>The note, or null when there is none with that id.</summary>
    Task<Note?> GetNoteAsync(string noteId, CancellationToken cancellationToken);

    /// <summary>The notes among <paramref name="noteIds"/> that exist, in no particular order.</summary>
    Task<IReadOnlyList<Note>> GetNotesAsync(IReadOnlyCollection<string> noteIds, CancellationToken cancellationToken);

    /// <summary>An author's notes, newest first.</summary>
    Task<IReadOnlyList<Note>> ListNotesByAuthorAsync(string authorId, PageRequest page, CancellationToken cancellationToken);

    /// <summary>The notes of any of <paramref name="authorIds"/>, newest first (the timeline's read).</summary>
    Task<IReadOnlyList<Note>> ListNotesByAuthorsAsync(IReadOnlyCollection<string> authorIds, PageRequest page, CancellationToken cancellationToken);

    /// <summary>The notes carrying a (normalised) tag, newest first.</summary>
    Task<IReadOnlyList<Note>> ListNotesByTagAsync(string tag, PageRequest page, CancellationToken cancellationToken);

    /// <summary>All notes, newest first.</summary>
    Task<IReadOnlyList<Note>> ListRecentNotesAsync(PageRequest page, CancellationToken cancellationToken);

    /// <summary>The notes created at or after <paramref name="since"/>, newest first, at most <paramref name="maxCount"/> (the hot ranking's candidates).</summary>
    Task<IReadOnlyList<Note>> ListNotesCreatedSinceAsync(DateTimeOffset since, int maxCount, CancellationToken cancellationToken);

    /// <summary>Adds the like of <paramref name="userId"/> and writes <paramref name="liked"/>; unchanged when it exists.</summary>
    Task<ToggleOutcome> LikeNoteAsync(string noteId, string userId, OutboxMessage liked, CancellationToken cancellationToken);

    /// <summary>Removes the like of <paramref name="userId"/> and writes <paramref name="unliked"/>; unchanged when there is none.</summary>
    Task<ToggleOutcome> UnlikeNoteAsync(string noteId, string userId, OutboxMessage unliked, CancellationToken cancellationToken);

    /// <summary>The notes among <paramref name="noteIds"/> that <paramref name="userId"/> likes.</summary>
    Task<IReadOnlySet<string>> GetLikedNoteIdsAsync(string userId, IReadOnlyCollection<string> noteIds, CancellationToken cancellationToken);

    /// <summary>Inserts the comment and writes <paramref name="commented"/>; false (nothing written) when the note does not exist.</summary>
    Task<bool> AddCommentAsync(Comment comment, OutboxMessage commented, CancellationToken cancellationToken);

    /// <summary>A note's comments, newest first.</summary>
    Task<IReadOnlyList<Comment>> ListCommentsAsync(string noteId, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Deletes the comment when <paramref name="requesterId"/> wrote it, and writes <paramref name="deleted"/>.</summary>
    Task<DeleteCommentOutcome> DeleteCommentAsync(string noteId, string commentId, string requesterId, OutboxMessage deleted, CancellationToken cancellationToken);

    /// <summary>Adds the follow; false when the follower already follows that author.</summary>
    Task<bool> FollowAsync(Follow follow, CancellationToken cancellationToken);

    /// <summary>Removes the follow; false when there was none.</summary>
    Task<bool> UnfollowAsync(string followerId, string authorId, CancellationToken cancellationToken);

    /// <summary>Whom a user follows, most recent follow first.</summary>
    Task<IReadOnlyList<Follow>> ListFollowingAsync(string followerId, PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// Adds the deltas to the note's counters and records (<paramref name="consumerGroup"/>, <paramref name="messageId"/>)
    /// in one transaction; false when that message was applied before. An unknown note changes nothing but the record.
    /// </summary>
    Task<bool> ApplyNoteCountersAsync(string consumerGroup, string messageId, string noteId, long likeDelta, long commentDelta, CancellationToken cancellationToken);

    /// <summary>Adds the per-product deltas to the sales counts and records the message, in one transaction; false when applied before.</summary>
    Task<bool> ApplyProductSalesAsync(string consumerGroup, string messageId, IReadOnlyList<ProductSales> deltas, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the consumers' processed-message records older than <paramref name="processedBefore"/> and returns how many
    /// it deleted (the purge job's call). Keep them longer than the topics' retention, or a redelivery is applied again.
    /// </summary>
    Task<long> PurgeProcessedMessagesAsync(DateTimeOffset processedBefore, CancellationToken cancellationToken);

    /// <summary>The sales counts of the products among <paramref name="productIds"/> that have one.</summary>
    Task<IReadOnlyList<ProductSales>> GetProductSalesAsync(IReadOnlyCollection<string> productIds, CancellationToken cancellationToken);

    /// <summary>Replaces the stored hot-notes ranking.</summary>
    Task SaveHotNotesAsync(HotNotesSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>The stored hot-notes ranking, or null before the first computation.</summary>
    Task<HotNotesSnapshot?> GetHotNotesAsync(CancellationToken cancellationToken);
}

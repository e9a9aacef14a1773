namespace RedBook.Bff.Core.Feed;

/// <summary>
/// The feed service as the BFF uses it (the BFF implements it over feed.v1 gRPC). Failures are
/// <c>RedBookException</c>s with the feed's code and reason.
/// </summary>
public interface IFeedGateway
{
    /// <summary>The notes of the authors <paramref name="userId"/> follows, newest first.</summary>
    Task<NotePage> GetTimelineAsync(string userId, int pageSize, string pageToken, CancellationToken cancellationToken);

    /// <summary>The hot-notes ranking, best first.</summary>
    Task<NotePage> ListHotNotesAsync(int pageSize, string pageToken, CancellationToken cancellationToken);

    /// <summary>All notes, newest first.</summary>
    Task<NotePage> ListRecentNotesAsync(int pageSize, string pageToken, CancellationToken cancellationToken);

    /// <summary>The notes with <paramref name="tag"/>, newest first.</summary>
    Task<NotePage> ListNotesByTagAsync(string tag, int pageSize, string pageToken, CancellationToken cancellationToken);

    /// <summary>An author's notes, newest first.</summary>
    Task<NotePage> ListNotesByAuthorAsync(string authorId, int pageSize, string pageToken, CancellationToken cancellationToken);

    /// <summary>A note (NOT_FOUND <c>FEED_NOTE_NOT_FOUND</c>).</summary>
    Task<NoteView> GetNoteAsync(string noteId, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="noteIds"/> the user likes.</summary>
    Task<IReadOnlySet<string>> GetLikeStatesAsync(string userId, IReadOnlyList<string> noteIds, CancellationToken cancellationToken);

    /// <summary>A note's comments, newest first.</summary>
    Task<CommentPage> ListCommentsAsync(string noteId, int pageSize, string pageToken, CancellationToken cancellationToken);

    /// <summary>Whom <paramref name="userId"/> follows.</summary>
    Task<FollowingPage> ListFollowingAsync(string userId, int pageSize, string pageToken, CancellationToken cancellationToken);

    /// <summary>Posts a note (not retried: a retry could post it twice).</summary>
    Task<NoteView> CreateNoteAsync(string authorId, NewNote note, CancellationToken cancellationToken);

    /// <summary>Likes a note; false when it was liked already.</summary>
    Task<bool> LikeAsync(string noteId, string userId, CancellationToken cancellationToken);

    /// <summary>Removes a like; false when there was none.</summary>
    Task<bool> UnlikeAsync(string noteId, string userId, CancellationToken cancellationToken);

    /// <summary>Comments on a note (not retried).</summary>
    Task<CommentView> AddCommentAsync(string noteId, string authorId, string body, CancellationToken cancellationToken);

    /// <summary>Deletes the user's own comment (PERMISSION_DENIED <c>FEED_NOT_COMMENT_AUTHOR</c> for someone else's).</summary>
    Task DeleteCommentAsync(string noteId, string commentId, string requesterId, CancellationToken cancellationToken);

    /// <summary>Follows an author; false when already followed.</summary>
    Task<bool> FollowAsync(string followerId, string authorId, CancellationToken cancellationToken);

    /// <summary>Stops following an author; false when not followed.</summary>
    Task<bool> UnfollowAsync(string followerId, string authorId, CancellationToken cancellationToken);
}

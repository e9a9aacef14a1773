using Grpc.Core;
using RedBook.Domain.Paging;
using RedBook.Domain.Validation;
using RedBook.Feed.Core;
using RedBook.Feed.Core.Notes;
using RedBook.Feed.Core.Validation;
using V1 = RedBook.Feed.Contracts.V1;

namespace RedBook.Feed.Api.Apis;

/// <summary>
/// The <c>feed.v1.FeedService</c> gRPC service: the edge. Each method turns its request into domain values with
/// the core's rules, answers every violation at once (INVALID_ARGUMENT, reason <c>FEED_INVALID_ARGUMENT</c>) before
/// anything is read or written, calls <see cref="FeedService"/>, and maps the result back. Domain failures travel as
/// <c>RedBookException</c> to the gRPC error interceptor.
/// </summary>
internal sealed class FeedApi(FeedService feed) : V1.FeedService.FeedServiceBase
{
    /// <summary>Most note ids one GetLikeStates call may ask about.</summary>
    public const int MaxLikeStateIds = 100;

    public override async Task<V1.Note> CreateNote(V1.CreateNoteRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var author = CommonRules.UserId(request.AuthorId, "author_id", violations);
        var draft = new NoteDraft(
            CommonRules.Text(request.Title, FeedRules.MaxTitleLength, "title", violations),
            CommonRules.Text(request.Body, FeedRules.MaxBodyLength, "body", violations),
            FeedRules.Tags(request.Tags, violations),
            FeedRules.ImageRefs(request.ImageRefs, violations),
            FeedRules.ProductIds(request.ProductIds, violations));
        ThrowIfInvalid(violations);
        return (await feed.CreateNoteAsync(author, draft, context.CancellationToken)).ToContract();
    }

    public override async Task<V1.Note> GetNote(V1.GetNoteRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var noteId = CommonRules.EntityId(request.NoteId, "note_id", violations);
        ThrowIfInvalid(violations);
        return (await feed.GetNoteAsync(noteId, context.CancellationToken)).ToContract();
    }

    public override async Task<V1.ListNotesResponse> ListNotesByAuthor(V1.ListNotesByAuthorRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var author = CommonRules.UserId(request.AuthorId, "author_id", violations);
        var page = PageToken.ParseKeyset(request.PageToken, request.PageSize, violations);
        ThrowIfInvalid(violations);
        return (await feed.ListNotesByAuthorAsync(author, page, context.CancellationToken)).ToContract();
    }

    public override async Task<V1.ListNotesResponse> ListNotesByTag(V1.ListNotesByTagRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var tag = FeedRules.Tag(request.Tag, "tag", violations);
        var page = PageToken.ParseKeyset(request.PageToken, request.PageSize, violations);
        ThrowIfInvalid(violations);
        return (await feed.ListNotesByTagAsync(tag, page, context.CancellationToken)).ToContract();
    }

    public override async Task<V1.ListNotesResponse> ListRecentNotes(V1.ListRecentNotesRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var page = PageToken.ParseKeyset(request.PageToken, request.PageSize, violations);
        ThrowIfInvalid(violations);
        return (await feed.ListRecentNotesAsync(page, context.CancellationToken)).ToContract();
    }

    public override async Task<V1.ListNotesResponse> GetTimeline(V1.GetTimelineRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var user = CommonRules.UserId(request.UserId, "user_id", violations);
        var page = PageToken.ParseKeyset(request.PageToken, request.PageSize, violations);
        ThrowIfInvalid(violations);
        return (await feed.ListTimelineAsync(user, page, context.CancellationToken)).ToContract();
    }

    public override async Task<V1.ListHotNotesResponse> ListHotNotes(V1.ListHotNotesRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var (offset, size) = PageToken.ParseOffset(request.PageToken, request.PageSize, violations);
        ThrowIfInvalid(violations);
        var (items, next, computedAt) = await feed.ListHotNotesAsync(offset, size, context.CancellationToken);
        return FeedMappings.ToContract(items, next, computedAt);
    }

    public override async Task<V1.LikeNoteResponse> LikeNote(V1.LikeNoteRequest request, ServerCallContext context)
    {
        var (noteId, userId) = NoteAndUser(request.NoteId, request.UserId, "user_id");
        return new V1.LikeNoteResponse { Changed = await feed.LikeNoteAsync(noteId, userId, context.CancellationToken) };
    }

    public override async Task<V1.UnlikeNoteResponse> UnlikeNote(V1.UnlikeNoteRequest request, ServerCallContext context)
    {
        var (noteId, userId) = NoteAndUser(request.NoteId, request.UserId, "user_id");
        return new V1.UnlikeNoteResponse { Changed = await feed.UnlikeNoteAsync(noteId, userId, context.CancellationToken) };
    }

    public override async Task<V1.GetLikeStatesResponse> GetLikeStates(V1.GetLikeStatesRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var user = CommonRules.UserId(request.UserId, "user_id", violations);
        var noteIds = new List<string>(request.NoteIds.Count);
        if (request.NoteIds.Count is 0 or > MaxLikeStateIds)
        {
            violations.Add(new("note_ids", $"must have 1 to {MaxLikeStateIds} ids; it has {request.NoteIds.Count}."));
        }
        else
        {
            for (var i = 0; i < request.NoteIds.Count; i++)
            {
                noteIds.Add(CommonRules.EntityId(request.NoteIds[i], $"note_ids[{i}]", violations));
            }
        }

        ThrowIfInvalid(violations);
        var liked = await feed.GetLikedNoteIdsAsync(user, noteIds, context.CancellationToken);
        var response = new V1.GetLikeStatesResponse();
        response.LikedNoteIds.AddRange(noteIds.Where(liked.Contains).Distinct(StringComparer.Ordinal));
        return response;
    }

    public override async Task<V1.Comment> AddComment(V1.AddCommentRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var noteId = CommonRules.EntityId(request.NoteId, "note_id", violations);
        var author = CommonRules.UserId(request.AuthorId, "author_id", violations);
        var body = CommonRules.Text(request.Body, FeedRules.MaxCommentLength, "body", violations);
        ThrowIfInvalid(violations);
        return (await feed.AddCommentAsync(noteId, author, body, context.CancellationToken)).ToContract();
    }

    public override async Task<V1.ListCommentsResponse> ListComments(V1.ListCommentsRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var noteId = CommonRules.EntityId(request.NoteId, "note_id", violations);
        var page = PageToken.ParseKeyset(request.PageToken, request.PageSize, violations);
        ThrowIfInvalid(violations);
        var comments = await feed.ListCommentsAsync(noteId, page, context.CancellationToken);
        var response = new V1.ListCommentsResponse { NextPageToken = comments.NextPageToken ?? string.Empty };
        response.Comments.AddRange(comments.Items.Select(FeedMappings.ToContract));
        return response;
    }

    public override async Task<V1.DeleteCommentResponse> DeleteComment(V1.DeleteCommentRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var noteId = CommonRules.EntityId(request.NoteId, "note_id", violations);
        var commentId = CommonRules.EntityId(request.CommentId, "comment_id", violations);
        var requester = CommonRules.UserId(request.RequesterId, "requester_id", violations);
        ThrowIfInvalid(violations);
        await feed.DeleteCommentAsync(noteId, commentId, requester, context.CancellationToken);
        return new V1.DeleteCommentResponse();
    }

    public override async Task<V1.FollowResponse> Follow(V1.FollowRequest request, ServerCallContext context)
    {
        var (follower, author) = FollowerAndAuthor(request.FollowerId, request.AuthorId);
        return new V1.FollowResponse { Changed = await feed.FollowAsync(follower, author, context.CancellationToken) };
    }

    public override async Task<V1.UnfollowResponse> Unfollow(V1.UnfollowRequest request, ServerCallContext context)
    {
        var (follower, author) = FollowerAndAuthor(request.FollowerId, request.AuthorId);
        return new V1.UnfollowResponse { Changed = await feed.UnfollowAsync(follower, author, context.CancellationToken) };
    }

    public override async Task<V1.ListFollowingResponse> ListFollowing(V1.ListFollowingRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        var user = CommonRules.UserId(request.UserId, "user_id", violations);
        var page = PageToken.ParseKeyset(request.PageToken, request.PageSize, violations);
        ThrowIfInvalid(violations);
        var follows = await feed.ListFollowingAsync(user, page, context.CancellationToken);
        var response = new V1.ListFollowingResponse { NextPageToken = follows.NextPageToken ?? string.Empty };
        response.Following.AddRange(follows.Items.Select(FeedMappings.ToContract));
        return response;
    }

    private static (string NoteId, string UserId) NoteAndUser(string noteId, string userId, string userField)
    {
        var violations = new List<FieldViolation>();
        var note = CommonRules.EntityId(noteId, "note_id", violations);
        var user = CommonRules.UserId(userId, userField, violations);
        ThrowIfInvalid(violations);
        return (note, user);
    }

    private static (string Follower, string Author) FollowerAndAuthor(string followerId, string authorId)
    {
        var violations = new List<FieldViolation>();
        var follower = CommonRules.UserId(followerId, "follower_id", violations);
        var author = CommonRules.UserId(authorId, "author_id", violations);
        if (follower.Length > 0 && follower == author)
        {
            violations.Add(new("author_id", "must differ from follower_id: a user does not follow themselves."));
        }

        ThrowIfInvalid(violations);
        return (follower, author);
    }

    private static void ThrowIfInvalid(List<FieldViolation> violations) => FeedErrors.ThrowIfInvalid(violations);
}

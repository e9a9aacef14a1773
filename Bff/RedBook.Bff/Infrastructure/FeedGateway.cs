using Google.Protobuf.WellKnownTypes;
using RedBook.Bff.Core.Feed;
using RedBook.Feed.Contracts.V1;

namespace RedBook.Bff.Infrastructure;

/// <summary>
/// <see cref="IFeedGateway"/> over feed.v1 gRPC, through the RedBook client pipeline
/// (<c>AddRedBookGrpcClient&lt;FeedService.FeedServiceClient&gt;("feed-api")</c>): the ambient deadline as
/// <c>grpc-timeout</c>, metadata, the breaker, retries of the methods the .proto marks idempotent, errors as
/// <c>RedBookException</c>.
/// </summary>
public sealed class FeedGateway(FeedService.FeedServiceClient client) : IFeedGateway
{
    public async Task<NotePage> GetTimelineAsync(string userId, int pageSize, string pageToken, CancellationToken cancellationToken) =>
        ToPage(await client.GetTimelineAsync(new GetTimelineRequest { UserId = userId, PageSize = pageSize, PageToken = pageToken }, cancellationToken: cancellationToken));

    public async Task<NotePage> ListHotNotesAsync(int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var response = await client.ListHotNotesAsync(new ListHotNotesRequest { PageSize = pageSize, PageToken = pageToken }, cancellationToken: cancellationToken);
        return new NotePage([.. response.Notes.Select(n => ToView(n.Note))], response.NextPageToken);
    }

    public async Task<NotePage> ListRecentNotesAsync(int pageSize, string pageToken, CancellationToken cancellationToken) =>
        ToPage(await client.ListRecentNotesAsync(new ListRecentNotesRequest { PageSize = pageSize, PageToken = pageToken }, cancellationToken: cancellationToken));

    public async Task<NotePage> ListNotesByTagAsync(string tag, int pageSize, string pageToken, CancellationToken cancellationToken) =>
        ToPage(await client.ListNotesByTagAsync(new ListNotesByTagRequest { Tag = tag, PageSize = pageSize, PageToken = pageToken }, cancellationToken: cancellationToken));

    public async Task<NotePage> ListNotesByAuthorAsync(string authorId, int pageSize, string pageToken, CancellationToken cancellationToken) =>
        ToPage(await client.ListNotesByAuthorAsync(new ListNotesByAuthorRequest { AuthorId = authorId, PageSize = pageSize, PageToken = pageToken }, cancellationToken: cancellationToken));

    public async Task<NoteView> GetNoteAsync(string noteId, CancellationToken cancellationToken) =>
        ToView(await client.GetNoteAsync(new GetNoteRequest { NoteId = noteId }, cancellationToken: cancellationToken));

    public async Task<IReadOnlySet<string>> GetLikeStatesAsync(string userId, IReadOnlyList<string> noteIds, CancellationToken cancellationToken)
    {
        var request = new GetLikeStatesRequest { UserId = userId };
        request.NoteIds.AddRange(noteIds);
        var response = await client.GetLikeStatesAsync(request, cancellationToken: cancellationToken);
        return response.LikedNoteIds.ToHashSet(StringComparer.Ordinal);
    }

    public async Task<CommentPage> ListCommentsAsync(string noteId, int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var response = await client.ListCommentsAsync(new ListCommentsRequest { NoteId = noteId, PageSize = pageSize, PageToken = pageToken }, cancellationToken: cancellationToken);
        return new CommentPage([.. response.Comments.Select(ToView)], response.NextPageToken);
    }

    public async Task<FollowingPage> ListFollowingAsync(string userId, int pageSize, string pageToken, CancellationToken cancellationToken)
    {
        var response = await client.ListFollowingAsync(new ListFollowingRequest { UserId = userId, PageSize = pageSize, PageToken = pageToken }, cancellationToken: cancellationToken);
        return new FollowingPage([.. response.Following.Select(f => new FollowingView(f.AuthorId, ToTime(f.FollowedAt)))], response.NextPageToken);
    }

    public async Task<NoteView> CreateNoteAsync(string authorId, NewNote note, CancellationToken cancellationToken)
    {
        var request = new CreateNoteRequest { AuthorId = authorId, Title = note.Title, Body = note.Body };
        request.Tags.AddRange(note.Tags);
        request.ImageRefs.AddRange(note.ImageRefs);
        request.ProductIds.AddRange(note.ProductIds);
        return ToView(await client.CreateNoteAsync(request, cancellationToken: cancellationToken));
    }

    public async Task<bool> LikeAsync(string noteId, string userId, CancellationToken cancellationToken) =>
        (await client.LikeNoteAsync(new LikeNoteRequest { NoteId = noteId, UserId = userId }, cancellationToken: cancellationToken)).Changed;

    public async Task<bool> UnlikeAsync(string noteId, string userId, CancellationToken cancellationToken) =>
        (await client.UnlikeNoteAsync(new UnlikeNoteRequest { NoteId = noteId, UserId = userId }, cancellationToken: cancellationToken)).Changed;

    public async Task<CommentView> AddCommentAsync(string noteId, string authorId, string body, CancellationToken cancellationToken) =>
        ToView(await client.AddCommentAsync(new AddCommentRequest { NoteId = noteId, AuthorId = authorId, Body = body }, cancellationToken: cancellationToken));

    public async Task DeleteCommentAsync(string noteId, string commentId, string requesterId, CancellationToken cancellationToken) =>
        await client.DeleteCommentAsync(new DeleteCommentRequest { NoteId = noteId, CommentId = commentId, RequesterId = requesterId }, cancellationToken: cancellationToken);

    public async Task<bool> FollowAsync(string followerId, string authorId, CancellationToken cancellationToken) =>
        (await client.FollowAsync(new FollowRequest { FollowerId = followerId, AuthorId = authorId }, cancellationToken: cancellationToken)).Changed;

    public async Task<bool> UnfollowAsync(string followerId, string authorId, CancellationToken cancellationToken) =>
        (await client.UnfollowAsync(new UnfollowRequest { FollowerId = followerId, AuthorId = authorId }, cancellationToken: cancellationToken)).Changed;

    private static NotePage ToPage(ListNotesResponse response) => new([.. response.Notes.Select(ToView)], response.NextPageToken);

    private static NoteView ToView(Note note) => new(
        note.Id,
        note.AuthorId,
        note.Title,
        note.Body,
        [.. note.Tags],
        [.. note.ImageRefs],
        [.. note.Products.Select(p => new TaggedProduct(p.ProductId, p.Sold))],
        ToTime(note.CreatedAt),
        note.LikeCount,
        note.CommentCount);

    private static CommentView ToView(Comment comment) => new(comment.Id, comment.NoteId, comment.AuthorId, comment.Body, ToTime(comment.CreatedAt));

    private static DateTimeOffset ToTime(Timestamp? timestamp) => timestamp?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch;
}

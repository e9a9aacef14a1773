using Google.Protobuf.WellKnownTypes;
using RedBook.Domain.Paging;
using RedBook.Feed.Core;
using RedBook.Feed.Core.Notes;
using RedBook.Feed.Core.Timeline;
using V1 = RedBook.Feed.Contracts.V1;

namespace RedBook.Feed.Api.Apis;

/// <summary>Domain values to <c>feed.v1</c> messages.</summary>
internal static class FeedMappings
{
    public static V1.Note ToContract(this NoteView view)
    {
        var note = view.Note;
        var message = new V1.Note
        {
            Id = note.Id,
            AuthorId = note.AuthorId,
            Title = note.Title,
            Body = note.Body,
            CreatedAt = Timestamp.FromDateTimeOffset(note.CreatedAt),
            LikeCount = note.LikeCount,
            CommentCount = note.CommentCount,
        };
        message.Tags.AddRange(note.Tags);
        message.ImageRefs.AddRange(note.ImageRefs);
        message.Products.AddRange(view.ProductSales.Select(s => new V1.ProductSales { ProductId = s.ProductId, Sold = s.Sold }));
        return message;
    }

    public static V1.ListNotesResponse ToContract(this Page<NoteView> page)
    {
        var response = new V1.ListNotesResponse { NextPageToken = page.NextPageToken ?? string.Empty };
        response.Notes.AddRange(page.Items.Select(ToContract));
        return response;
    }

    public static V1.ListHotNotesResponse ToContract(IReadOnlyList<HotNoteView> items, string? nextPageToken, DateTimeOffset? computedAt)
    {
        var response = new V1.ListHotNotesResponse
        {
            NextPageToken = nextPageToken ?? string.Empty,
            ComputedAt = computedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        };
        response.Notes.AddRange(items.Select(h => new V1.HotNote { Note = h.View.ToContract(), Score = h.Score, Rank = h.Rank }));
        return response;
    }

    public static V1.Comment ToContract(this Comment comment) => new()
    {
        Id = comment.Id,
        NoteId = comment.NoteId,
        AuthorId = comment.AuthorId,
        Body = comment.Body,
        CreatedAt = Timestamp.FromDateTimeOffset(comment.CreatedAt),
    };

    public static V1.Following ToContract(this Follow follow) => new()
    {
        AuthorId = follow.AuthorId,
        FollowedAt = Timestamp.FromDateTimeOffset(follow.CreatedAt),
    };
}

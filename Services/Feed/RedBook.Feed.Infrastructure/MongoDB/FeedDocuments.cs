using MongoDB.Bson.Serialization.Attributes;
using RedBook.Feed.Core.Notes;
using RedBook.Feed.Core.Timeline;

namespace RedBook.Feed.Infrastructure.MongoDB;

/// <summary>A note in the <c>notes</c> collection; <c>_id</c> is the time-ordered note id.</summary>
[BsonIgnoreExtraElements]
internal sealed class NoteDocument
{
    [BsonId] public string Id { get; set; } = string.Empty;
    [BsonElement("authorId")] public string AuthorId { get; set; } = string.Empty;
    [BsonElement("title")] public string Title { get; set; } = string.Empty;
    [BsonElement("body")] public string Body { get; set; } = string.Empty;
    [BsonElement("tags")] public List<string> Tags { get; set; } = [];
    [BsonElement("imageRefs")] public List<string> ImageRefs { get; set; } = [];
    [BsonElement("productIds")] public List<string> ProductIds { get; set; } = [];
    [BsonElement("createdAt"), BsonDateTimeOptions(Kind = DateTimeKind.Utc)] public DateTime CreatedAt { get; set; }
    [BsonElement("likeCount")] public long LikeCount { get; set; }
    [BsonElement("commentCount")] public long CommentCount { get; set; }

    public static NoteDocument From(Note note) => new()
    {
        Id = note.Id,
        AuthorId = note.AuthorId,
        Title = note.Title,
        Body = note.Body,
        Tags = [.. note.Tags],
        ImageRefs = [.. note.ImageRefs],
        ProductIds = [.. note.ProductIds],
        CreatedAt = note.CreatedAt.UtcDateTime,
        LikeCount = note.LikeCount,
        CommentCount = note.CommentCount,
    };

    public Note ToNote() => new()
    {
        Id = Id,
        AuthorId = AuthorId,
        Title = Title,
        Body = Body,
        Tags = Tags,
        ImageRefs = ImageRefs,
        ProductIds = ProductIds,
        CreatedAt = new DateTimeOffset(CreatedAt, TimeSpan.Zero),
        LikeCount = LikeCount,
        CommentCount = CommentCount,
    };
}

/// <summary>A like in <c>likes</c>; <c>_id</c> is <c>noteId:userId</c>, so a user likes a note at most once.</summary>
[BsonIgnoreExtraElements]
internal sealed class LikeDocument
{
    [BsonId] public string Id { get; set; } = string.Empty;
    [BsonElement("noteId")] public string NoteId { get; set; } = string.Empty;
    [BsonElement("userId")] public string UserId { get; set; } = string.Empty;
    [BsonElement("createdAt"), BsonDateTimeOptions(Kind = DateTimeKind.Utc)] public DateTime CreatedAt { get; set; }

    public static string IdOf(string noteId, string userId) => noteId + ":" + userId;
}

/// <summary>A comment in <c>comments</c>.</summary>
[BsonIgnoreExtraElements]
internal sealed class CommentDocument
{
    [BsonId] public string Id { get; set; } = string.Empty;
    [BsonElement("noteId")] public string NoteId { get; set; } = string.Empty;
    [BsonElement("authorId")] public string AuthorId { get; set; } = string.Empty;
    [BsonElement("body")] public string Body { get; set; } = string.Empty;
    [BsonElement("createdAt"), BsonDateTimeOptions(Kind = DateTimeKind.Utc)] public DateTime CreatedAt { get; set; }

    public Comment ToComment() => new(Id, NoteId, AuthorId, Body, new DateTimeOffset(CreatedAt, TimeSpan.Zero));
}

/// <summary>A follow in <c>follows</c>; unique on (followerId, authorId).</summary>
[BsonIgnoreExtraElements]
internal sealed class FollowDocument
{
    [BsonId] public string Id { get; set; } = string.Empty;
    [BsonElement("followerId")] public string FollowerId { get; set; } = string.Empty;
    [BsonElement("authorId")] public string AuthorId { get; set; } = string.Empty;
    [BsonElement("createdAt"), BsonDateTimeOptions(Kind = DateTimeKind.Utc)] public DateTime CreatedAt { get; set; }

    public Follow ToFollow() => new(Id, FollowerId, AuthorId, new DateTimeOffset(CreatedAt, TimeSpan.Zero));
}

/// <summary>A product's sales count in <c>product_sales</c>; <c>_id</c> is the product id.</summary>
[BsonIgnoreExtraElements]
internal sealed class ProductSalesDocument
{
    [BsonId] public string Id { get; set; } = string.Empty;
    [BsonElement("sold")] public long Sold { get; set; }
}

/// <summary>The hot-notes ranking: one document, <c>_id</c> <c>current</c>.</summary>
[BsonIgnoreExtraElements]
internal sealed class HotNotesDocument
{
    public const string CurrentId = "current";

    [BsonId] public string Id { get; set; } = CurrentId;
    [BsonElement("computedAt"), BsonDateTimeOptions(Kind = DateTimeKind.Utc)] public DateTime ComputedAt { get; set; }
    [BsonElement("entries")] public List<HotNoteEntryDocument> Entries { get; set; } = [];
}

/// <summary>One ranked note.</summary>
internal sealed class HotNoteEntryDocument
{
    [BsonElement("noteId")] public string NoteId { get; set; } = string.Empty;
    [BsonElement("score")] public double Score { get; set; }
}

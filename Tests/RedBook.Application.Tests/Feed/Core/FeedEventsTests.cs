using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using RedBook.Feed.Core.Events;
using RedBook.Feed.Core.Notes;

namespace RedBook.Application.Tests.Feed.Core;

/// <summary>The feed.notes payloads are a contract with other services: field names and types exactly as documented.</summary>
public sealed class FeedEventsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void NoteCreated_Payload_HasTheContractFields()
    {
        var note = new Note { Id = "n1", AuthorId = "alice", Title = "T", Body = "B", Tags = ["x"], ImageRefs = [], ProductIds = ["p1"], CreatedAt = _time.GetUtcNow() };

        var message = FeedEvents.NoteCreated(note, _time);

        Assert.Equal(("feed.notes", "n1", "note.created"), (message.Topic, message.Key, message.Type));
        Assert.Equal(["noteId", "authorId", "title", "tags", "productIds", "createdAt"], Names(message.Payload));
    }

    [Fact]
    public void LikeAndCommentEvents_Payloads_HaveTheContractFields()
    {
        var comment = new Comment("c1", "n1", "bob", "hi", _time.GetUtcNow());

        Assert.Equal(["noteId", "userId", "likedAt"], Names(FeedEvents.NoteLiked("n1", "bob", _time).Payload));
        Assert.Equal(["noteId", "userId", "unlikedAt"], Names(FeedEvents.NoteUnliked("n1", "bob", _time).Payload));
        Assert.Equal(["noteId", "commentId", "authorId", "commentedAt"], Names(FeedEvents.NoteCommented(comment, _time).Payload));
        Assert.Equal(["noteId", "commentId"], Names(FeedEvents.NoteCommentDeleted("n1", "c1", _time).Payload));
        Assert.Equal("note.comment-deleted", FeedEvents.NoteCommentDeleted("n1", "c1", _time).Type);
    }

    private static List<string> Names(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
    }
}

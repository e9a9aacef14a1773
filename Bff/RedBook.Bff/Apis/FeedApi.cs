using Microsoft.AspNetCore.Http.HttpResults;
using RedBook.Bff.Core.Composition;
using RedBook.Bff.Core.Feed;
using RedBook.Bff.Core.Validation;
using RedBook.Bff.Identity;

namespace RedBook.Bff.Apis;

/// <summary>The feed's HTTP API: the home screen, notes, likes, comments, profiles and follows.</summary>
public static class FeedApi
{
    /// <summary>Maps the feed endpoints under <c>/api</c>.</summary>
    public static IEndpointRouteBuilder MapFeedApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api").WithBffConventions().WithTags("Feed");

        api.MapGet("/home", GetHomeAsync)
            .WithName("GetHome")
            .WithSummary("The home screen: a page of notes (the timeline, else popular notes) and recommended products.");
        api.MapGet("/notes", ExploreAsync)
            .WithName("ListNotes")
            .WithSummary("The newest notes, or the notes with a tag.");
        api.MapPost("/notes", CreateNoteAsync)
            .WithName("CreateNote")
            .WithSummary("Posts a note.");
        api.MapGet("/notes/{noteId}", GetNoteAsync)
            .WithName("GetNote")
            .WithSummary("A note's screen: the note, its first comments, the products it tags.");
        api.MapPut("/notes/{noteId}/like", LikeAsync)
            .WithName("LikeNote")
            .WithSummary("Likes a note (liking twice changes nothing).");
        api.MapDelete("/notes/{noteId}/like", UnlikeAsync)
            .WithName("UnlikeNote")
            .WithSummary("Removes a like.");
        api.MapGet("/notes/{noteId}/comments", ListCommentsAsync)
            .WithName("ListComments")
            .WithSummary("A page of a note's comments, newest first.");
        api.MapPost("/notes/{noteId}/comments", AddCommentAsync)
            .WithName("AddComment")
            .WithSummary("Comments on a note.");
        api.MapDelete("/notes/{noteId}/comments/{commentId}", DeleteCommentAsync)
            .WithName("DeleteComment")
            .WithSummary("Deletes one of the user's comments.");
        api.MapGet("/users/{userId}", GetProfileAsync)
            .WithName("GetProfile")
            .WithSummary("A profile: the user's notes and whom they follow.");
        api.MapPut("/users/{userId}/follow", FollowAsync)
            .WithName("Follow")
            .WithSummary("Follows a user (following twice changes nothing).");
        api.MapDelete("/users/{userId}/follow", UnfollowAsync)
            .WithName("Unfollow")
            .WithSummary("Stops following a user.");
        return app;
    }

    internal static async Task<Ok<HomeScreen>> GetHomeAsync(BffUser user, int? pageSize, string? pageToken, HomeComposer composer, CancellationToken cancellationToken)
    {
        var validation = new BffValidation();
        var size = validation.PageSize(pageSize);
        var cursor = HomeCursor.Parse(validation.PageToken(pageToken), validation);
        validation.ThrowIfInvalid();
        return TypedResults.Ok(await composer.ComposeAsync(user.Id, size, cursor, cancellationToken));
    }

    internal static async Task<Ok<Listing<NoteView>>> ExploreAsync(BffUser user, string? tag, int? pageSize, string? pageToken, ProfileComposer composer, CancellationToken cancellationToken)
    {
        var validation = new BffValidation();
        var size = validation.PageSize(pageSize);
        var token = validation.PageToken(pageToken);
        var search = tag is null ? null : validation.Text(tag, 33, nameof(tag));
        validation.ThrowIfInvalid();
        return TypedResults.Ok(await composer.ExploreAsync(search, size, token, cancellationToken));
    }

    internal static async Task<Created<NoteView>> CreateNoteAsync(BffUser user, CreateNoteRequest request, IFeedGateway feed, CancellationToken cancellationToken)
    {
        var validation = new BffValidation();
        var title = validation.Text(request.Title, 100, "title");
        var body = validation.Text(request.Body, 5000, "body");
        var tags = validation.List(request.Tags, 10, "tags");
        var images = validation.List(request.ImageRefs, 9, "imageRefs");
        var products = validation.List(request.ProductIds, 10, "productIds");
        for (var i = 0; i < tags.Count; i++)
        {
            validation.Text(tags[i], 33, $"tags[{i}]");
        }

        for (var i = 0; i < images.Count; i++)
        {
            validation.Text(images[i], 512, $"imageRefs[{i}]");
        }

        for (var i = 0; i < products.Count; i++)
        {
            validation.EntityId(products[i], $"productIds[{i}]");
        }

        validation.ThrowIfInvalid();
        var note = await feed.CreateNoteAsync(user.Id, new NewNote(title, body, tags, images, products), cancellationToken);
        return TypedResults.Created($"/api/notes/{note.Id}", note);
    }

    internal static async Task<Ok<NoteScreen>> GetNoteAsync(BffUser user, string noteId, NoteComposer composer, CancellationToken cancellationToken)
    {
        var validation = new BffValidation();
        var id = validation.EntityId(noteId, nameof(noteId));
        validation.ThrowIfInvalid();
        return TypedResults.Ok(await composer.ComposeAsync(user.Id, id, cancellationToken));
    }

    internal static async Task<Ok<ChangeResult>> LikeAsync(BffUser user, string noteId, IFeedGateway feed, CancellationToken cancellationToken)
    {
        var id = NoteId(noteId);
        return TypedResults.Ok(new ChangeResult(await feed.LikeAsync(id, user.Id, cancellationToken)));
    }

    internal static async Task<Ok<ChangeResult>> UnlikeAsync(BffUser user, string noteId, IFeedGateway feed, CancellationToken cancellationToken)
    {
        var id = NoteId(noteId);
        return TypedResults.Ok(new ChangeResult(await feed.UnlikeAsync(id, user.Id, cancellationToken)));
    }

    internal static async Task<Ok<Listing<CommentView>>> ListCommentsAsync(BffUser user, string noteId, int? pageSize, string? pageToken, NoteComposer composer, CancellationToken cancellationToken)
    {
        var validation = new BffValidation();
        var id = validation.EntityId(noteId, nameof(noteId));
        var size = validation.PageSize(pageSize);
        var token = validation.PageToken(pageToken);
        validation.ThrowIfInvalid();
        return TypedResults.Ok(await composer.ListCommentsAsync(id, size, token, cancellationToken));
    }

    internal static async Task<Created<CommentView>> AddCommentAsync(BffUser user, string noteId, AddCommentRequest request, IFeedGateway feed, CancellationToken cancellationToken)
    {
        var validation = new BffValidation();
        var id = validation.EntityId(noteId, nameof(noteId));
        var body = validation.Text(request.Body, 1000, "body");
        validation.ThrowIfInvalid();
        var comment = await feed.AddCommentAsync(id, user.Id, body, cancellationToken);
        return TypedResults.Created($"/api/notes/{id}/comments", comment);
    }

    internal static async Task<NoContent> DeleteCommentAsync(BffUser user, string noteId, string commentId, IFeedGateway feed, CancellationToken cancellationToken)
    {
        var validation = new BffValidation();
        var note = validation.EntityId(noteId, nameof(noteId));
        var comment = validation.EntityId(commentId, nameof(commentId));
        validation.ThrowIfInvalid();
        await feed.DeleteCommentAsync(note, comment, user.Id, cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<ProfileScreen>> GetProfileAsync(BffUser user, string userId, int? pageSize, string? pageToken, ProfileComposer composer, CancellationToken cancellationToken)
    {
        var validation = new BffValidation();
        var id = validation.UserId(userId, nameof(userId));
        var size = validation.PageSize(pageSize);
        var token = validation.PageToken(pageToken);
        validation.ThrowIfInvalid();
        return TypedResults.Ok(await composer.ComposeAsync(id, size, token, cancellationToken));
    }

    internal static async Task<Ok<ChangeResult>> FollowAsync(BffUser user, string userId, IFeedGateway feed, CancellationToken cancellationToken)
    {
        var author = Author(user, userId);
        return TypedResults.Ok(new ChangeResult(await feed.FollowAsync(user.Id, author, cancellationToken)));
    }

    internal static async Task<Ok<ChangeResult>> UnfollowAsync(BffUser user, string userId, IFeedGateway feed, CancellationToken cancellationToken)
    {
        var author = Author(user, userId);
        return TypedResults.Ok(new ChangeResult(await feed.UnfollowAsync(user.Id, author, cancellationToken)));
    }

    private static string NoteId(string noteId)
    {
        var validation = new BffValidation();
        var id = validation.EntityId(noteId, nameof(noteId));
        validation.ThrowIfInvalid();
        return id;
    }

    private static string Author(BffUser user, string userId)
    {
        var validation = new BffValidation();
        var author = validation.UserId(userId, nameof(userId));
        validation.Require(author != user.Id, nameof(userId), "userId must be someone else: you cannot follow yourself.");
        validation.ThrowIfInvalid();
        return author;
    }
}

/// <summary>A note to post.</summary>
/// <param name="Title">1 to 100 characters.</param>
/// <param name="Body">1 to 5000 characters.</param>
/// <param name="Tags">At most 10, each 1 to 32 letters, digits, '_' or '-' (a leading '#' is dropped).</param>
/// <param name="ImageRefs">At most 9 http(s) URLs or object keys.</param>
/// <param name="ProductIds">At most 10 mall product ids.</param>
public sealed record CreateNoteRequest(string? Title, string? Body, IReadOnlyList<string>? Tags, IReadOnlyList<string>? ImageRefs, IReadOnlyList<string>? ProductIds);

/// <summary>A comment to add.</summary>
/// <param name="Body">1 to 1000 characters.</param>
public sealed record AddCommentRequest(string? Body);

/// <summary>The answer of an idempotent change: false when it was in that state already.</summary>
public sealed record ChangeResult(bool Changed);

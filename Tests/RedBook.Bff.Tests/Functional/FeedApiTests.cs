using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RedBook.Bff.Tests.Support;

namespace RedBook.Bff.Tests.Functional;

/// <summary>The feed endpoints against the real services, through the real pipeline.</summary>
[Collection(BffStackCollection.Name)]
public sealed class FeedApiTests(BffStack stack)
{
    [Fact]
    public async Task Home_UserFollowsAuthors_ServesTheirNotesNewestFirstWithLikes()
    {
        var author = Api.NewUser();
        var reader = Api.NewUser();
        using var authorClient = stack.Client(author);
        using var readerClient = stack.Client(reader);
        var first = await authorClient.PostJsonAsync("/api/notes", new { title = "First", body = "Hello", tags = new[] { "#Travel" } }, HttpStatusCode.Created);
        var second = await authorClient.PostJsonAsync("/api/notes", new { title = "Second", body = "Again" }, HttpStatusCode.Created);
        Assert.Equal(["travel"], first.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        using var follow = await readerClient.PutAsync(new Uri($"/api/users/{author}/follow", UriKind.Relative), null);
        Assert.True((await follow.JsonAsync(HttpStatusCode.OK)).GetProperty("changed").GetBoolean());
        using var like = await readerClient.PutAsync(new Uri($"/api/notes/{first.GetProperty("id").GetString()}/like", UriKind.Relative), null);
        Assert.True((await like.JsonAsync(HttpStatusCode.OK)).GetProperty("changed").GetBoolean());

        using var response = await readerClient.GetAsync(new Uri("/api/home?pageSize=1", UriKind.Relative));
        var home = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Null(response.DegradedHeader());
        Assert.Empty(home.Degraded());
        Assert.Equal("timeline", home.GetProperty("notesSource").GetString());
        var card = Assert.Single(home.GetProperty("notes").EnumerateArray());
        Assert.Equal(second.GetProperty("id").GetString(), card.GetProperty("note").GetProperty("id").GetString());
        Assert.False(card.GetProperty("likedByMe").GetBoolean());

        var next = home.GetProperty("nextPageToken").GetString()!;
        Assert.StartsWith("t.", next, StringComparison.Ordinal);
        var page2 = await readerClient.GetJsonAsync("/api/home?pageSize=1&pageToken=" + Uri.EscapeDataString(next));
        var card2 = Assert.Single(page2.GetProperty("notes").EnumerateArray());
        Assert.Equal(first.GetProperty("id").GetString(), card2.GetProperty("note").GetProperty("id").GetString());
        Assert.True(card2.GetProperty("likedByMe").GetBoolean());
    }

    [Fact]
    public async Task Home_UserFollowsNobody_ServesNewestNotesInsteadOfAnEmptyTimeline()
    {
        using var author = stack.Client(Api.NewUser());
        var note = await author.PostJsonAsync("/api/notes", new { title = "Open to all", body = "Hi" }, HttpStatusCode.Created);

        var home = await stack.Client(Api.NewUser()).GetJsonAsync("/api/home");

        // The hot ranking is empty (the stack's feed does not run its job): the newest notes stand in, not degraded.
        Assert.Equal("recent", home.GetProperty("notesSource").GetString());
        Assert.Empty(home.Degraded());
        Assert.Contains(home.GetProperty("notes").EnumerateArray(), c => c.GetProperty("note").GetProperty("id").GetString() == note.GetProperty("id").GetString());
    }

    [Fact]
    public async Task NoteScreen_NoteWithComments_ServesNoteCommentsAndLikeState()
    {
        var author = Api.NewUser();
        var commenter = Api.NewUser();
        using var authorClient = stack.Client(author);
        using var commenterClient = stack.Client(commenter);
        var note = await authorClient.PostJsonAsync("/api/notes", new { title = "Recipe", body = "Noodles" }, HttpStatusCode.Created);
        var noteId = note.GetProperty("id").GetString();
        var comment = await commenterClient.PostJsonAsync($"/api/notes/{noteId}/comments", new { body = "  Yum  " }, HttpStatusCode.Created);
        Assert.Equal("Yum", comment.GetProperty("body").GetString());

        var screen = await commenterClient.GetJsonAsync($"/api/notes/{noteId}");
        Assert.Equal("Recipe", screen.GetProperty("note").GetProperty("title").GetString());
        Assert.False(screen.GetProperty("likedByMe").GetBoolean());
        Assert.Equal(comment.GetProperty("id").GetString(), Assert.Single(screen.GetProperty("comments").GetProperty("comments").EnumerateArray()).GetProperty("id").GetString());
        Assert.Empty(screen.Degraded());

        var comments = await authorClient.GetJsonAsync($"/api/notes/{noteId}/comments?pageSize=5");
        Assert.Single(comments.GetProperty("items").EnumerateArray());

        // Only its author deletes a comment.
        using var forbidden = await authorClient.DeleteAsync(new Uri($"/api/notes/{noteId}/comments/{comment.GetProperty("id").GetString()}", UriKind.Relative));
        await forbidden.ProblemAsync(HttpStatusCode.Forbidden, "FEED_NOT_COMMENT_AUTHOR");
        using var deleted = await commenterClient.DeleteAsync(new Uri($"/api/notes/{noteId}/comments/{comment.GetProperty("id").GetString()}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await authorClient.GetJsonAsync($"/api/notes/{noteId}/comments")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task LikeAndFollow_Repeated_ChangeOnce()
    {
        var author = Api.NewUser();
        using var authorClient = stack.Client(author);
        using var user = stack.Client(Api.NewUser());
        var note = await authorClient.PostJsonAsync("/api/notes", new { title = "Like me", body = "Please" }, HttpStatusCode.Created);
        var likePath = new Uri($"/api/notes/{note.GetProperty("id").GetString()}/like", UriKind.Relative);

        async Task<bool> ChangedAsync(Func<Task<HttpResponseMessage>> send)
        {
            using var response = await send();
            return (await response.JsonAsync(HttpStatusCode.OK)).GetProperty("changed").GetBoolean();
        }

        Assert.True(await ChangedAsync(() => user.PutAsync(likePath, null)));
        Assert.False(await ChangedAsync(() => user.PutAsync(likePath, null)));
        Assert.True(await ChangedAsync(() => user.DeleteAsync(likePath)));
        Assert.False(await ChangedAsync(() => user.DeleteAsync(likePath)));
        var followPath = new Uri($"/api/users/{author}/follow", UriKind.Relative);
        Assert.True(await ChangedAsync(() => user.PutAsync(followPath, null)));
        Assert.False(await ChangedAsync(() => user.PutAsync(followPath, null)));
        Assert.True(await ChangedAsync(() => user.DeleteAsync(followPath)));
        Assert.False(await ChangedAsync(() => user.DeleteAsync(followPath)));
    }

    [Fact]
    public async Task Profile_UserWithNotesAndFollows_ServesBoth()
    {
        var user = Api.NewUser();
        var followed = Api.NewUser();
        using var client = stack.Client(user);
        await client.PostJsonAsync("/api/notes", new { title = "Mine", body = "Text", tags = new[] { "profiletag" } }, HttpStatusCode.Created);
        using var follow = await client.PutAsync(new Uri($"/api/users/{followed}/follow", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, follow.StatusCode);

        var profile = await stack.Client(Api.NewUser()).GetJsonAsync($"/api/users/{user}");
        Assert.Equal(user, profile.GetProperty("userId").GetString());
        Assert.Equal("Mine", Assert.Single(profile.GetProperty("notes").GetProperty("notes").EnumerateArray()).GetProperty("title").GetString());
        Assert.Equal(followed, Assert.Single(profile.GetProperty("following").GetProperty("following").EnumerateArray()).GetProperty("authorId").GetString());

        var byTag = await client.GetJsonAsync("/api/notes?tag=%23ProfileTag");
        Assert.Equal("Mine", Assert.Single(byTag.GetProperty("items").EnumerateArray()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Endpoints_InvalidInput_AnswerFieldErrorsBeforeCallingAnything()
    {
        using var client = stack.Client(Api.NewUser());
        var elevenTags = Enumerable.Range(0, 11).Select(i => "t" + i).ToArray();
        using (var response = await client.PostAsJsonAsync(new Uri("/api/notes", UriKind.Relative), new { title = " ", body = new string('x', 5001), tags = elevenTags, productIds = new[] { "nope" } }))
        {
            await response.ProblemAsync(HttpStatusCode.BadRequest, "BFF_INVALID_ARGUMENT", "title", "body", "tags", "productIds[0]");
        }

        using (var response = await client.GetAsync(new Uri("/api/notes/not-an-id", UriKind.Relative)))
        {
            await response.ProblemAsync(HttpStatusCode.BadRequest, "BFF_INVALID_ARGUMENT", "noteId");
        }

        using (var response = await client.GetAsync(new Uri("/api/home?pageSize=0&pageToken=x.y", UriKind.Relative)))
        {
            await response.ProblemAsync(HttpStatusCode.BadRequest, "BFF_INVALID_ARGUMENT", "pageSize", "pageToken");
        }

        using (var response = await client.PostAsJsonAsync(new Uri($"/api/notes/{new string('a', 32)}/comments", UriKind.Relative), new { body = "" }))
        {
            await response.ProblemAsync(HttpStatusCode.BadRequest, "BFF_INVALID_ARGUMENT", "body");
        }

        using (var response = await client.PutAsync(new Uri("/api/users/bad%20user/follow", UriKind.Relative), null))
        {
            await response.ProblemAsync(HttpStatusCode.BadRequest, "BFF_INVALID_ARGUMENT", "userId");
        }

        // Malformed JSON and a non-number are refused by binding, in the same error model.
        using (var content = new StringContent("{\"title\":", Encoding.UTF8, "application/json"))
        using (var response = await client.PostAsync(new Uri("/api/notes", UriKind.Relative), content))
        {
            await response.ProblemAsync(HttpStatusCode.BadRequest, "REDBOOK_BAD_REQUEST");
        }

        using (var response = await client.GetAsync(new Uri("/api/home?pageSize=ten", UriKind.Relative)))
        {
            await response.ProblemAsync(HttpStatusCode.BadRequest, "REDBOOK_BAD_REQUEST");
        }
    }

    [Fact]
    public async Task Endpoints_ServiceRejectsContent_AnswerItsFieldsInCamelCase()
    {
        using var client = stack.Client(Api.NewUser());

        // The tag's characters and the image reference's form are the feed's rules; its violations come back as ours.
        using var response = await client.PostAsJsonAsync(new Uri("/api/notes", UriKind.Relative), new { title = "t", body = "b", tags = new[] { "no spaces" }, imageRefs = new[] { "/abs" } });

        await response.ProblemAsync(HttpStatusCode.BadRequest, "BFF_INVALID_ARGUMENT", "tags[0]", "imageRefs[0]");
    }

    [Fact]
    public async Task Endpoints_UnknownNoteOrNoUser_Answer404And401()
    {
        using var client = stack.Client(Api.NewUser());
        using (var response = await client.GetAsync(new Uri($"/api/notes/{new string('0', 32)}", UriKind.Relative)))
        {
            await response.ProblemAsync(HttpStatusCode.NotFound, "FEED_NOTE_NOT_FOUND");
        }

        using (var response = await stack.Client().GetAsync(new Uri("/api/home", UriKind.Relative)))
        {
            await response.ProblemAsync(HttpStatusCode.Unauthorized, "BFF_UNAUTHENTICATED");
        }
    }

    [Fact]
    public async Task Identity_BearerToken_IsTheUserAndABadTokenIsRefused()
    {
        var user = Api.NewUser();
        var handler = new JsonWebTokenHandler();
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = BffStack.Issuer,
            Audience = BffStack.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = user },
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(BffStack.SigningKey), SecurityAlgorithms.HmacSha256),
        });

        using var client = stack.BearerClient(token);
        client.DefaultRequestHeaders.Add("x-md-global-uid", "someone-else");
        var note = await client.PostJsonAsync("/api/notes", new { title = "Signed", body = "In" }, HttpStatusCode.Created);
        Assert.Equal(user, note.GetProperty("authorId").GetString());

        using var bad = stack.BearerClient(token[..^4] + "AAAA");
        using var response = await bad.GetAsync(new Uri("/api/home", UriKind.Relative));
        await response.ProblemAsync(HttpStatusCode.Unauthorized, "BFF_UNAUTHENTICATED");
    }

    [Fact]
    public async Task OpenApi_Document_DescribesTheEndpoints()
    {
        var document = await stack.Client().GetJsonAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("/api/home", paths);
        Assert.Contains("/api/notes/{noteId}", paths);
        using var scalar = await stack.Client().GetAsync(new Uri("/scalar", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
    }
}

using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Metadata;

namespace RedBook.FunctionalTests.ServiceDefaults;

public class ErrorModelTests
{
    private static Task<KestrelApp> StartAsync() => KestrelApp.StartAsync(app =>
    {
        app.MapGet("/own", () =>
        {
            throw new RedBookException(new RedBookError(ErrorCode.NotFound, "FEED_NOTE_NOT_FOUND", "No such note.", new Dictionary<string, string> { ["note"] = "7" }));
        });
        app.MapGet("/boom", () =>
        {
            throw new InvalidOperationException("secret connection string Password=hunter2");
        });
        app.MapGet("/dependency-invalid", () =>
        {
            throw new RedBookException(new RedBookError(ErrorCode.InvalidArgument, "MALL_BAD_SKU", "bad sku")) { FromDependency = true };
        });
        app.MapGet("/dependency-overloaded", () =>
        {
            throw new RedBookException(RedBookErrors.Overloaded("mall is busy", 1500)) { FromDependency = true };
        });
        app.MapGet("/validation", () => Results.ValidationProblem(new Dictionary<string, string[]> { ["title"] = ["The title is required."] }));
        app.MapGet("/int/{id:int}", (int id) => id);
        app.MapGet("/query", (int count) => count);
        app.MapGet("/metadata", () =>
        {
            var md = RequestMetadata.Current!;
            return $"{md.Color}|{md.UserId}|{md.CallerApp}|{md.Global.Count}";
        });
    });

    [Fact]
    public async Task RedBookException_FromEndpoint_BecomesProblemDetailsThatParsesBack()
    {
        await using var app = await StartAsync();

        using var response = await app.Client.GetAsync(new Uri("/own", UriKind.Relative));
        var error = await response.ReadErrorAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(RedBookProblemDetails.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("FEED_NOTE_NOT_FOUND", response.Headers.GetValues(RedBookHeaders.ErrorReason).Single());
        Assert.Equal("5", response.Headers.GetValues(RedBookHeaders.ErrorCode).Single());
        Assert.NotNull(error);
        Assert.Equal(ErrorCode.NotFound, error.Code);
        Assert.Equal("FEED_NOTE_NOT_FOUND", error.Reason);
        Assert.Equal("No such note.", error.Message);
        Assert.Equal("7", error.Metadata["note"]);
    }

    [Fact]
    public async Task UnhandledException_FromEndpoint_BecomesInternalWithoutDetails()
    {
        await using var app = await StartAsync();

        using var response = await app.Client.GetAsync(new Uri("/boom", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("INTERNAL", json.RootElement.GetProperty("code").GetString());
        Assert.Equal(WellKnownReasons.Internal, json.RootElement.GetProperty("reason").GetString());
        var traceId = json.RootElement.GetProperty("traceId").GetString();
        Assert.False(string.IsNullOrEmpty(traceId));
        Assert.Equal(traceId, json.RootElement.GetProperty("metadata").GetProperty(ErrorMetadataKeys.TraceId).GetString());
    }

    [Fact]
    public async Task DependencyInvalidArgument_ReachesCallerAsInternal()
    {
        await using var app = await StartAsync();

        using var response = await app.Client.GetAsync(new Uri("/dependency-invalid", UriKind.Relative));
        var error = await response.ReadErrorAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(ErrorCode.Internal, error!.Code);
        Assert.Equal(WellKnownReasons.Internal, error.Reason);
    }

    [Fact]
    public async Task DependencyOverloaded_IsReEmittedUnchanged()
    {
        await using var app = await StartAsync();

        using var response = await app.Client.GetAsync(new Uri("/dependency-overloaded", UriKind.Relative));
        var error = await response.ReadErrorAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(error!.IsOverloaded);
        Assert.Equal("1500", response.Headers.GetValues(RedBookHeaders.RetryPushbackMs).Single());
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task ValidationProblem_FromEndpoint_BecomesInvalidArgumentWithFields()
    {
        await using var app = await StartAsync();

        using var response = await app.Client.GetAsync(new Uri("/validation", UriKind.Relative));
        var error = await response.ReadErrorAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ErrorCode.InvalidArgument, error!.Code);
        Assert.Equal(WellKnownReasons.BadRequest, error.Reason);
        Assert.Equal("title", error.Metadata[ErrorMetadataKeys.Field]);
    }

    [Fact]
    public async Task BindingFailure_MissingQueryParameter_IsInvalidArgument()
    {
        await using var app = await StartAsync();

        using var response = await app.Client.GetAsync(new Uri("/query?count=abc", UriKind.Relative));
        var error = await response.ReadErrorAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ErrorCode.InvalidArgument, error!.Code);
    }

    [Fact]
    public async Task Metadata_Headers_AreAmbientInHandler()
    {
        await using var app = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metadata", UriKind.Relative));
        request.Headers.Add(RedBookHeaders.Color, "red");
        request.Headers.Add(RedBookHeaders.UserId, "42");
        request.Headers.Add(RedBookHeaders.CallerApp, "bff");
        request.Headers.Add("x-md-global-tenant", "t1");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("red|42|bff|3", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metadata_OversizedValue_Gets400NamingTheHeader()
    {
        await using var app = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metadata", UriKind.Relative));
        request.Headers.Add(RedBookHeaders.Color, new string('r', 2000));

        using var response = await app.Client.SendAsync(request);
        var error = await response.ReadErrorAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ErrorCode.InvalidArgument, error!.Code);
        Assert.Equal(RedBookHeaders.Color, error.Metadata[ErrorMetadataKeys.Field]);
    }

    [Fact]
    public async Task Metadata_TooManyKeys_Gets400()
    {
        await using var app = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metadata", UriKind.Relative));
        for (var i = 0; i < 40; i++)
        {
            request.Headers.Add("x-md-global-k" + i, "v");
        }

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(WellKnownReasons.BadRequest, response.Headers.GetValues(RedBookHeaders.ErrorReason).Single());
    }
}

using System.Buffers;
using System.Net;
using System.Text;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Tests.Errors;

public class RedBookErrorParserTests
{
    private static readonly Dictionary<string, string> s_metadata = new() { ["field"] = "grpc-timeout", ["retry_after_ms"] = "250" };

    [Fact]
    public void TryParse_WrittenProblemDetails_RoundTripsTheSameError()
    {
        var original = new RedBookError(ErrorCode.InvalidArgument, WellKnownReasons.BadRequest, "The grpc-timeout header is malformed.", s_metadata);
        var buffer = new ArrayBufferWriter<byte>();
        RedBookProblemDetails.WriteJson(buffer, original, "4bf92f3577b34da6a3ce929d0e0e4736");
        using var response = new HttpResponseMessage(HttpStatusCode.BadRequest);

        Assert.True(RedBookErrorParser.TryParse(response, buffer.WrittenSpan, out var parsed));

        Assert.Equal(original.Code, parsed.Code);
        Assert.Equal(original.Reason, parsed.Reason);
        Assert.Equal(original.Message, parsed.Message);
        Assert.Equal(s_metadata.OrderBy(p => p.Key), parsed.Metadata.OrderBy(p => p.Key));
    }

    [Fact]
    public void WriteJson_Error_HasTheDocumentedMembers()
    {
        var buffer = new ArrayBufferWriter<byte>();
        RedBookProblemDetails.WriteJson(buffer, new RedBookError(ErrorCode.NotFound, "FEED_NOTE_NOT_FOUND", "No such note."), "abc");

        var json = Encoding.UTF8.GetString(buffer.WrittenSpan);

        Assert.Equal(
            """{"type":"urn:redbook:error:NOT_FOUND","title":"Not found","status":404,"detail":"No such note.","code":"NOT_FOUND","reason":"FEED_NOTE_NOT_FOUND","metadata":{},"traceId":"abc"}""",
            json);
    }

    [Fact]
    public void TryParse_SuccessStatus_ReturnsFalse()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);

        Assert.False(RedBookErrorParser.TryParse(response, "{}"u8, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void TryParse_HtmlBody_DerivesErrorFromStatus()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadGateway) { ReasonPhrase = "Bad Gateway" };

        Assert.True(RedBookErrorParser.TryParse(response, "<html>oops</html>"u8, out var error));

        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.Equal(WellKnownReasons.UnexpectedResponse, error.Reason);
        Assert.Equal("502", error.Metadata[ErrorMetadataKeys.HttpStatus]);
        Assert.Contains("502", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_EmptyBodyWithRedBookHeaders_UsesHeaders()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.Add(RedBookHeaders.ErrorCode, "8");
        response.Headers.Add(RedBookHeaders.ErrorReason, WellKnownReasons.Overloaded);
        response.Headers.Add(RedBookHeaders.RetryPushbackMs, "1000");

        Assert.True(RedBookErrorParser.TryParse(response, default, out var error));

        Assert.Equal(ErrorCode.ResourceExhausted, error.Code);
        Assert.True(error.IsOverloaded);
        Assert.Equal("1000", error.Metadata[ErrorMetadataKeys.RetryAfterMs]);
    }

    [Fact]
    public void TryParse_ForeignProblemDetailsWithoutReason_FallsBackToStatus()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.NotFound);

        Assert.True(RedBookErrorParser.TryParse(response, """{"title":"Not Found","status":404}"""u8, out var error));

        Assert.Equal(ErrorCode.NotFound, error.Code);
        Assert.Equal(WellKnownReasons.UnexpectedResponse, error.Reason);
    }

    [Fact]
    public void TryParse_NumericCodeAndRetryAfterHeader_AreRead()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));

        Assert.True(RedBookErrorParser.TryParse(response, """{"code":8,"reason":"MALL_QUOTA","detail":"slow down","metadata":{"n":5}}"""u8, out var error));

        Assert.Equal(ErrorCode.ResourceExhausted, error.Code);
        Assert.Equal("MALL_QUOTA", error.Reason);
        Assert.Equal("5", error.Metadata["n"]);
        Assert.Equal("2000", error.Metadata[ErrorMetadataKeys.RetryAfterMs]);
    }

    [Fact]
    public async Task ReadErrorAsync_FailedResponse_ReadsBody()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Conflict)
        {
            Content = new StringContent("""{"code":"ALREADY_EXISTS","reason":"FEED_DUPLICATE","detail":"dup"}""", Encoding.UTF8, RedBookProblemDetails.ContentType),
        };

        var error = await response.ReadErrorAsync();

        Assert.NotNull(error);
        Assert.Equal(ErrorCode.AlreadyExists, error.Code);
        Assert.Equal("FEED_DUPLICATE", error.Reason);
        Assert.Equal("dup", error.Message);
    }

    [Fact]
    public async Task EnsureRedBookSuccessAsync_FailedResponse_ThrowsMarkedFromDependency()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent("""{"code":"INVALID_ARGUMENT","reason":"MALL_BAD_SKU","detail":"bad sku"}"""),
        };

        var exception = await Assert.ThrowsAsync<RedBookException>(() => response.EnsureRedBookSuccessAsync());

        Assert.True(exception.FromDependency);
        Assert.Equal("MALL_BAD_SKU", exception.Error.Reason);
    }

    [Fact]
    public async Task EnsureRedBookSuccessAsync_Success_ReturnsResponse()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);

        Assert.Same(response, await response.EnsureRedBookSuccessAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"reason":""}""")]
    [InlineData("""{"reason":5}""")]
    public void TryParseBody_NotARedBookBody_ReturnsFalse(string body) =>
        Assert.False(RedBookErrorParser.TryParseBody(Encoding.UTF8.GetBytes(body), out _));
}

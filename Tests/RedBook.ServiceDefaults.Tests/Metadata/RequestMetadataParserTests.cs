using Microsoft.AspNetCore.Http;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Metadata;

namespace RedBook.ServiceDefaults.Tests.Metadata;

public class RequestMetadataParserTests
{
    private static readonly MetadataOptions s_options = new() { MaxKeys = 3, MaxValueLength = 10, MaxTotalLength = 80 };

    [Fact]
    public void TryParse_KnownHeaders_FillsGlobalColorUserAndCaller()
    {
        var headers = new HeaderDictionary
        {
            ["X-Md-Global-Color"] = "red",
            ["x-md-global-uid"] = "42",
            ["x-md-caller"] = "bff",
            ["accept"] = "text/plain",
        };

        Assert.True(RequestMetadataParser.TryParse(headers, s_options, out var metadata, out _));

        Assert.Equal("red", metadata.Color);
        Assert.Equal("42", metadata.UserId);
        Assert.Equal("bff", metadata.CallerApp);
        Assert.Equal(2, metadata.Global.Count);
        Assert.True(metadata.Global.ContainsKey("x-md-global-color"));
    }

    [Fact]
    public void TryParse_NoMetadata_ReturnsEmpty()
    {
        Assert.True(RequestMetadataParser.TryParse(new HeaderDictionary { ["accept"] = "*/*" }, s_options, out var metadata, out _));

        Assert.Same(RequestMetadata.Empty, metadata);
    }

    [Fact]
    public void TryParse_TooManyKeys_FailsWithInvalidArgument()
    {
        var headers = new HeaderDictionary();
        for (var i = 0; i < 4; i++)
        {
            headers["x-md-global-k" + i] = "v";
        }

        Assert.False(RequestMetadataParser.TryParse(headers, s_options, out _, out var error));

        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal(WellKnownReasons.BadRequest, error.Reason);
        Assert.Equal("x-md-global-k3", error.Metadata[ErrorMetadataKeys.Field]);
    }

    [Fact]
    public void TryParse_OversizedValue_NamesTheHeader()
    {
        var headers = new HeaderDictionary { ["x-md-global-color"] = new string('r', 11) };

        Assert.False(RequestMetadataParser.TryParse(headers, s_options, out _, out var error));

        Assert.Equal("x-md-global-color", error.Metadata[ErrorMetadataKeys.Field]);
        Assert.Contains("10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_OversizedCaller_Fails()
    {
        var headers = new HeaderDictionary { ["x-md-caller"] = new string('c', 11) };

        Assert.False(RequestMetadataParser.TryParse(headers, s_options, out _, out var error));
        Assert.Equal("x-md-caller", error.Metadata[ErrorMetadataKeys.Field]);
    }

    [Fact]
    public void TryParse_TotalOverLimit_Fails()
    {
        var headers = new HeaderDictionary
        {
            ["x-md-global-aaaaaaaaaaaaaaaaaaaa"] = "1234567890",
            ["x-md-global-bbbbbbbbbbbbbbbbbbbb"] = "1234567890",
        };

        Assert.False(RequestMetadataParser.TryParse(headers, s_options, out _, out var error));
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
    }

    [Fact]
    public void TryParse_RepeatedHeader_JoinsValues()
    {
        var headers = new HeaderDictionary { ["x-md-global-tag"] = new(["a", "b"]) };

        Assert.True(RequestMetadataParser.TryParse(headers, s_options, out var metadata, out _));
        Assert.Equal("a,b", metadata.Global["x-md-global-tag"]);
    }

    [Fact]
    public void TryParse_BarePrefix_IsIgnored()
    {
        Assert.True(RequestMetadataParser.TryParse(new HeaderDictionary { ["x-md-global-"] = "x" }, s_options, out var metadata, out _));
        Assert.Empty(metadata.Global);
    }
}

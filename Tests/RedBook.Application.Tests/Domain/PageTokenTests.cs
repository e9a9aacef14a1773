using RedBook.Domain;
using RedBook.Domain.Paging;
using RedBook.Domain.Validation;

namespace RedBook.Application.Tests.Domain;

public sealed class PageTokenTests
{
    private static readonly string s_id = Guid.CreateVersion7(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).ToString("N");

    [Fact]
    public void ParseKeyset_TokenOfAnId_ReturnsTheId()
    {
        var violations = new List<FieldViolation>();

        var page = PageToken.ParseKeyset(PageToken.ForId(s_id), 5, violations);

        Assert.Empty(violations);
        Assert.Equal(new PageRequest(s_id, 5), page);
    }

    [Fact]
    public void ParseKeyset_EmptyTokenAndZeroSize_IsTheFirstPageWithTheDefaultSize()
    {
        var violations = new List<FieldViolation>();

        Assert.Equal(new PageRequest(null, PageRequest.DefaultSize), PageToken.ParseKeyset(string.Empty, 0, violations));
        Assert.Empty(violations);
    }

    [Theory]
    [InlineData("not a token!")]
    [InlineData("AAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")] // 16 zero bytes: not a UUIDv7
    [InlineData("TwAAAAU")] // an offset token
    public void ParseKeyset_MalformedToken_IsAPageTokenViolation(string token)
    {
        var violations = new List<FieldViolation>();

        PageToken.ParseKeyset(token, 10, violations);

        Assert.Equal("page_token", Assert.Single(violations).Field);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(PageRequest.MaxSize + 1)]
    public void ParseKeyset_SizeOutOfRange_IsAPageSizeViolation(int size)
    {
        var violations = new List<FieldViolation>();

        PageToken.ParseKeyset(null, size, violations);

        Assert.Equal("page_size", Assert.Single(violations).Field);
    }

    [Fact]
    public void ParseOffset_TokenOfAnOffset_ReturnsTheOffset_AndRejectsAnIdToken()
    {
        var violations = new List<FieldViolation>();

        Assert.Equal((40, 20), PageToken.ParseOffset(PageToken.ForOffset(40), 20, violations));
        Assert.Empty(violations);
        PageToken.ParseOffset(PageToken.ForId(s_id), 20, violations);
        Assert.Equal("page_token", Assert.Single(violations).Field);
    }

    [Fact]
    public void EntityIds_New_IsValidAndOrderedByTime()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var first = EntityIds.New(time);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var second = EntityIds.New(time);

        Assert.True(EntityIds.IsValid(first));
        Assert.True(string.CompareOrdinal(first, second) < 0);
        Assert.False(EntityIds.IsValid(first.ToUpperInvariant()));
        Assert.False(EntityIds.IsValid(first[..31]));
    }
}

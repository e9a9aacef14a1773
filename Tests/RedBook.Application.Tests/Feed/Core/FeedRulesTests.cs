using RedBook.Domain.Validation;
using RedBook.Feed.Core.Validation;

namespace RedBook.Application.Tests.Feed.Core;

public sealed class FeedRulesTests
{
    [Fact]
    public void Tags_NormalisesCaseAndHashAndDropsDuplicates()
    {
        var violations = new List<FieldViolation>();

        var tags = FeedRules.Tags(["#Travel", "travel", "美食", "street_food"], violations);

        Assert.Empty(violations);
        Assert.Equal(["travel", "美食", "street_food"], tags);
    }

    [Fact]
    public void Tags_InvalidOrTooMany_NameTheField()
    {
        var violations = new List<FieldViolation>();

        FeedRules.Tags(["ok", "not ok", "#", new string('t', FeedRules.MaxTagLength + 1)], violations);
        FeedRules.Tags(Enumerable.Range(0, FeedRules.MaxTags + 1).Select(i => $"t{i}").ToList(), violations);

        Assert.Equal(["tags[1]", "tags[2]", "tags[3]", "tags"], violations.Select(v => v.Field));
    }

    [Fact]
    public void ImageRefs_AcceptUrlsAndObjectKeys_RejectOthers()
    {
        var violations = new List<FieldViolation>();

        var refs = FeedRules.ImageRefs(["https://cdn.example/a.jpg", "notes/2026/a.png", "javascript:alert(1)", "/etc/passwd", ""], violations);

        Assert.Equal(["https://cdn.example/a.jpg", "notes/2026/a.png"], refs);
        Assert.Equal(["image_refs[2]", "image_refs[3]", "image_refs[4]"], violations.Select(v => v.Field));
    }

    [Fact]
    public void ProductIds_MustBeIds_AtMostTen()
    {
        var violations = new List<FieldViolation>();
        var id = Guid.CreateVersion7().ToString("N");

        Assert.Equal([id], FeedRules.ProductIds([id, id, "SKU-1"], violations));
        Assert.Equal("product_ids[2]", Assert.Single(violations).Field);
        FeedRules.ProductIds(Enumerable.Repeat(id, FeedRules.MaxProducts + 1).ToList(), violations);
        Assert.Equal("product_ids", violations[^1].Field);
    }
}

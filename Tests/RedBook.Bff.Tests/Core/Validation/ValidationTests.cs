using RedBook.Bff.Core;
using RedBook.Bff.Core.Validation;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Bff.Tests.Core.Validation;

public sealed class ValidationTests
{
    [Theory]
    [InlineData("note_id", "noteId")]
    [InlineData("items[0].product_id", "items[0].productId")]
    [InlineData("image_refs[12]", "imageRefs[12]")]
    [InlineData("title", "title")]
    public void CamelCasePath_WirePath_IsTheAppsFieldName(string wire, string app) => Assert.Equal(app, DependencyErrors.CamelCasePath(wire));

    [Fact]
    public void ToUserError_DependencysInvalidArgument_IsOur400WithCamelCaseFields()
    {
        var dependency = new RedBookException(new RedBookValidation("FEED_INVALID_ARGUMENT").Add("image_refs[0]", "bad").ToError()) { FromDependency = true };

        var error = DependencyErrors.ToUserError(dependency)!.Error;

        Assert.Equal((ErrorCode.InvalidArgument, BffErrorReasons.InvalidArgument), (error.Code, error.Reason));
        Assert.Equal("imageRefs[0]", Assert.Single(error.FieldViolations).Field);
        Assert.Null(DependencyErrors.ToUserError(new RedBookException(dependency.Error)));
    }

    [Fact]
    public void ThrowIfInvalid_EveryViolation_IsReportedAtOnce()
    {
        var validation = new BffValidation();
        validation.PageSize(0);
        validation.PageToken("not a token");
        validation.EntityId("x", "noteId");

        var error = Assert.Throws<RedBookException>(validation.ThrowIfInvalid).Error;

        Assert.Equal(["pageSize", "pageToken", "noteId"], error.FieldViolations.Select(v => v.Field));
        Assert.StartsWith("noteId ", error.FieldViolations[2].Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", HomeSource.Timeline, "")]
    [InlineData("t.abc", HomeSource.Timeline, "abc")]
    [InlineData("p.abc", HomeSource.Popular, "abc")]
    [InlineData("r.abc", HomeSource.Recent, "abc")]
    public void HomeCursorParse_OwnToken_RoundTrips(string token, HomeSource source, string inner)
    {
        var validation = new BffValidation();

        var cursor = HomeCursor.Parse(token, validation);

        Assert.Equal(new HomeCursor(source, inner), cursor);
        Assert.Empty(validation.Violations);
        Assert.Equal(token, HomeCursor.Next(source, inner));
    }

    [Fact]
    public void HomeCursorParse_ForeignToken_IsAViolation()
    {
        var validation = new BffValidation();

        HomeCursor.Parse("x.abc", validation);

        Assert.Equal("pageToken", Assert.Single(validation.Violations).Field);
    }
}

using RedBook.Domain.Validation;

namespace RedBook.Application.Tests.Domain;

public sealed class CommonRulesTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ünïcode")]
    [InlineData("a-very-long-user-id-that-is-certainly-longer-than-sixty-four-characters")]
    public void UserId_Invalid_IsAViolationOfTheField(string? value)
    {
        var violations = new List<FieldViolation>();

        Assert.Equal(string.Empty, CommonRules.UserId(value, "user_id", violations));
        Assert.Equal("user_id", Assert.Single(violations).Field);
    }

    [Fact]
    public void Text_TrimsAndChecksLengthAndControlCharacters()
    {
        var violations = new List<FieldViolation>();

        Assert.Equal("hello\nworld", CommonRules.Text("  hello\nworld ", 20, "body", violations));
        Assert.Empty(violations);
        CommonRules.Text("   ", 20, "body", violations);
        CommonRules.Text(new string('x', 21), 20, "body", violations);
        CommonRules.Text("bell\a", 20, "body", violations);
        Assert.Equal(3, violations.Count);
        Assert.Empty(CommonRules.Text(string.Empty, 20, "description", violations, allowEmpty: true));
        Assert.Equal(3, violations.Count);
    }
}

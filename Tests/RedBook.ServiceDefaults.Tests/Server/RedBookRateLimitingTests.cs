using RedBook.ServiceDefaults.Server;

namespace RedBook.ServiceDefaults.Tests.Server;

public class RedBookRateLimitingTests
{
    [Theory]
    [InlineData("/notes/{id}", "GET", "/notes/{id}", true)]
    [InlineData("/notes/{id}", "POST", "/notes/{id}", true)]
    [InlineData("GET /notes/{id}", "GET", "/notes/{id}", true)]
    [InlineData("get /notes/{id}", "GET", "/notes/{id}", true)]
    [InlineData("GET /notes/{id}", "POST", "/notes/{id}", false)]
    [InlineData("/notes", "GET", "/notes/{id}", false)]
    public void Matches_RoutePattern_ComparesMethodAndPattern(string route, string method, string pattern, bool matches) =>
        Assert.Equal(matches, RedBookRateLimiting.Matches(route, method, pattern));

    [Fact]
    public void Validate_InvalidPolicy_NamesIt()
    {
        var options = new RateLimitsOptions();
        options.Policies["notes"] = new RateLimitPolicyOptions { PermitLimit = 0 };

        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Contains(results, r => r.ErrorMessage!.Contains("RedBook:RateLimits:Policies:notes", StringComparison.Ordinal));
    }
}

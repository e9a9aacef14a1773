namespace RedBook.AppHost.Tests.Hosting.MongoDB;

/// <summary>A fact that runs against a real MongoDB when <c>REDBOOK_TEST_MONGODB</c> holds its connection string, and is skipped with that reason otherwise.</summary>
public sealed class RequiresMongoDBFactAttribute : FactAttribute
{
    public RequiresMongoDBFactAttribute()
    {
        if (ConnectionString is null)
        {
            Skip = "REDBOOK_TEST_MONGODB is not set: no MongoDB runs here.";
        }
    }

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable("REDBOOK_TEST_MONGODB") is { Length: > 0 } value ? value : null;
}

using RedBook.ServiceDefaults.Governance;

namespace RedBook.ServiceDefaults.Tests.Governance;

public class SecretRedactorTests
{
    [Theory]
    [InlineData("Mall:Db:Password", "p")]
    [InlineData("REDIS_PASSWORD", "p")]
    [InlineData("Jwt:SigningKey", "k")]
    [InlineData("Auth:ClientSecret", "s")]
    [InlineData("GITHUB_TOKEN", "t")]
    [InlineData("Payment:ApiKey", "k")]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS", "x-otlp-api-key=abc")]
    [InlineData("Storage:Credentials", "c")]
    public void Redact_SecretKey_HidesWholeValue(string key, string value) =>
        Assert.Equal(SecretRedactor.Redacted, SecretRedactor.Redact(key, value));

    [Theory]
    [InlineData("Feed:PageSize", "20")]
    [InlineData("ASPNETCORE_ENVIRONMENT", "Production")]
    [InlineData("services:feed:http:0", "http://localhost:5001")]
    public void Redact_PlainKey_KeepsValue(string key, string value) =>
        Assert.Equal(value, SecretRedactor.Redact(key, value));

    [Theory]
    [InlineData("ConnectionStrings:mall", "Host=db;Username=mall;Password=hunter2;Pooling=true", "Host=db;Username=mall;Password=***;Pooling=true")]
    [InlineData("ConnectionStrings:sql", "Server=s;User Id=u;pwd='a;b'", "Server=s;User Id=u;pwd=***")]
    [InlineData("ConnectionStrings__cache", "redis://default:hunter2@cache:6379", "redis://default:***@cache:6379")]
    [InlineData("ConnectionStrings:mongo", "mongodb://admin:hunter2@mongo:27017/?authSource=admin", "mongodb://admin:***@mongo:27017/?authSource=admin")]
    [InlineData("Messaging:Url", "amqp://guest:guest@rabbit/", "amqp://guest:***@rabbit/")]
    [InlineData("ConnectionStrings:kafka", "kafka:9092", "kafka:9092")]
    public void Redact_ConnectionStrings_HidePasswordOnly(string key, string value, string expected) =>
        Assert.Equal(expected, SecretRedactor.Redact(key, value));

    [Fact]
    public void Redact_NullOrEmpty_StaysAsIs()
    {
        Assert.Null(SecretRedactor.Redact("Password", null));
        Assert.Equal(string.Empty, SecretRedactor.Redact("Password", string.Empty));
    }
}

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

    /// <summary>
    /// Every shape a secret takes inside a value whose key names none: connection-string pairs and URL query
    /// parameters whose name contains key, secret, token, password, pwd, credential or signature anywhere, in any
    /// case, and URL user information. What is not secret stays.
    /// </summary>
    [Theory]
    // the shapes that leaked
    [InlineData("ConnectionStrings:search", "Endpoint=https://s.example;Key=abc123", "Endpoint=https://s.example;Key=***")]
    [InlineData("ConnectionStrings:minio", "Endpoint=http://minio:9000;AccessKey=admin;SecretKey=hunter2", "Endpoint=http://minio:9000;AccessKey=***;SecretKey=***")]
    [InlineData("ConnectionStrings:aad", "Authority=https://login;ClientId=app;ClientSecret=s3cr3t;Tenant=t", "Authority=https://login;ClientId=app;ClientSecret=***;Tenant=t")]
    [InlineData("ConnectionStrings:insights", "InstrumentationKey=k1;Application Key=k2;IngestionEndpoint=https://in", "InstrumentationKey=***;Application Key=***;IngestionEndpoint=https://in")]
    [InlineData("WEBHOOK_URL", "https://hooks.example/notify?access_token=tok123&channel=ops", "https://hooks.example/notify?access_token=***&channel=ops")]
    // names in any case, the word anywhere in the name
    [InlineData("Upstream:Url", "https://api.example/v1?API_KEY=k&X-Amz-Signature=sig1&X-Amz-Credential=c1&page=2", "https://api.example/v1?API_KEY=***&X-Amz-Signature=***&X-Amz-Credential=***&page=2")]
    [InlineData("Upstream:Url", "https://api.example/?q=1&refreshToken=r#frag", "https://api.example/?q=1&refreshToken=***#frag")]
    [InlineData("Legacy:Dsn", "Server=db;UID=sa;PWD=p;Database=x", "Server=db;UID=sa;PWD=***;Database=x")]
    [InlineData("Legacy:Dsn", "host=db ; MyPassword = \"a;b\" ; port=5432", "host=db ; MyPassword = ***; port=5432")]
    [InlineData("Ingest:Conn", "Endpoint=sb://bus/;SharedAccessKeyName=Root;SharedAccessKey=abc=", "Endpoint=sb://bus/;SharedAccessKeyName=***;SharedAccessKey=***")]
    [InlineData("Blob:Conn", "BlobEndpoint=https://a.blob;SharedAccessSignature=sv=2022&ss=b&sig=abc%3D", "BlobEndpoint=https://a.blob;SharedAccessSignature=***")]
    [InlineData("Blob:Url", "https://a.blob.core.example/c/f?sv=2022&sr=b&sig=abc%3D", "https://a.blob.core.example/c/f?sv=2022&sr=b&sig=***")]
    [InlineData("Nested:Endpoint", "Endpoint=https://h/?x=1&token=abc;Mode=fast", "Endpoint=https://h/?x=1&token=***;Mode=fast")]
    // URL user information, anywhere in the value
    [InlineData("Git:Remote", "https://ghp_tok3n@github.com/org/repo", "https://***@github.com/org/repo")]
    [InlineData("Cache:Url", "redis://default:p@ss:w@rd@cache:6379/0", "redis://default:***@cache:6379/0")]
    [InlineData("Urls", "http://a:1@h1/ https://h2/?token=t", "http://a:***@h1/ https://h2/?token=***")]
    // the shapes that already worked keep working
    [InlineData("ConnectionStrings:mall", "Host=db;Username=mall;Password=hunter2;Pooling=true", "Host=db;Username=mall;Password=***;Pooling=true")]
    [InlineData("ConnectionStrings:sql", "Server=s;User Id=u;pwd='a;b'", "Server=s;User Id=u;pwd=***")]
    [InlineData("ConnectionStrings:storage", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k==;EndpointSuffix=core", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=***;EndpointSuffix=core")]
    [InlineData("ConnectionStrings__cache", "redis://default:hunter2@cache:6379", "redis://default:***@cache:6379")]
    [InlineData("ConnectionStrings:mongo", "mongodb://admin:hunter2@mongo:27017/?authSource=admin", "mongodb://admin:***@mongo:27017/?authSource=admin")]
    [InlineData("Messaging:Url", "amqp://guest:guest@rabbit/", "amqp://guest:***@rabbit/")]
    // nothing secret: unchanged
    [InlineData("ConnectionStrings:kafka", "kafka:9092", "kafka:9092")]
    [InlineData("Feed:Home", "https://feed.example/home?page=2&sort=new", "https://feed.example/home?page=2&sort=new")]
    [InlineData("ConnectionStrings:pg", "Host=db;Port=5432;Database=feed;Pooling=true", "Host=db;Port=5432;Database=feed;Pooling=true")]
    [InlineData("Feed:Banner", "2 + 2 = 4", "2 + 2 = 4")]
    public void Redact_SecretsInsideValues_HidesEachShape(string key, string value, string expected) =>
        Assert.Equal(expected, SecretRedactor.Redact(key, value));

    [Fact]
    public void Redact_NullOrEmpty_StaysAsIs()
    {
        Assert.Null(SecretRedactor.Redact("Password", null));
        Assert.Equal(string.Empty, SecretRedactor.Redact("Password", string.Empty));
    }
}

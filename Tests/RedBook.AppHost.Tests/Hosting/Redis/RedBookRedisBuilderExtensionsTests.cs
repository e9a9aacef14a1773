using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace RedBook.AppHost.Tests.Hosting.Redis;

public class RedBookRedisBuilderExtensionsTests
{
    [Fact]
    public async Task AddRedBookRedisExecutable_Allocated_ListensOnLoopbackWithoutPersistence()
    {
        var builder = ModelTesting.RunBuilder();
        var redis = builder.AddRedBookRedisExecutable("redis", "/usr/bin/redis-server");
        ModelTesting.Allocate(redis.Resource, "tcp", 26379);

        Assert.Equal(["--bind", "127.0.0.1", "--port", "26379", "--save", "", "--appendonly", "no"], await ModelTesting.ArgumentsAsync(redis.Resource));
        Assert.Equal("localhost:26379", await redis.Resource.ConnectionStringExpression.GetValueAsync(default));
        Assert.Contains("redis_check", ModelTesting.HealthCheckKeys(redis.Resource));
        Assert.Contains(ManifestPublishingCallbackAnnotation.Ignore, redis.Resource.Annotations);
    }
}

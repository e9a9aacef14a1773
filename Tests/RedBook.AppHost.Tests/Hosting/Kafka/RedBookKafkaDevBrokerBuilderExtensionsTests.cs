using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace RedBook.AppHost.Tests.Hosting.Kafka;

public class RedBookKafkaDevBrokerBuilderExtensionsTests
{
    [Fact]
    public async Task AddRedBookKafkaDevBroker_Allocated_PassesThePortAndConnectsToIt()
    {
        var builder = ModelTesting.RunBuilder();
        var broker = builder.AddRedBookKafkaDevBroker<DevBrokerProject>("kafka");
        ModelTesting.Allocate(broker.Resource, "tcp", 29092);

        Assert.Equal("127.0.0.1:29092", await broker.Resource.ConnectionStringExpression.GetValueAsync(default));
        Assert.Equal(["--port", "29092"], await ModelTesting.ArgumentsAsync(broker.Resource));
        Assert.False(ModelTesting.Endpoint(broker.Resource, "tcp").IsProxied);
        Assert.Equal(DevBrokerProject.Path, broker.Resource.Annotations.OfType<IProjectMetadata>().Single().ProjectPath);
        Assert.Contains("kafka_check", ModelTesting.HealthCheckKeys(broker.Resource));
        Assert.Contains(ManifestPublishingCallbackAnnotation.Ignore, broker.Resource.Annotations);
    }

    private sealed class DevBrokerProject : IProjectMetadata
    {
        public static readonly string Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "RedBook.Kafka.DevBroker.csproj");

        public string ProjectPath => Path;

        public LaunchSettings? LaunchSettings => null;

        public bool IsFileBasedApp => false;

        public bool SuppressBuild => true;
    }
}

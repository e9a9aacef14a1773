using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using RedBook.Hosting;

namespace RedBook.AppHost.Tests.Hosting.Kafka;

public class RedBookKafkaBuilderExtensionsTests
{
    [Fact]
    public async Task AddRedBookKafka_Allocated_ConnectionStringIsTheHostBootstrapAddress()
    {
        var builder = ModelTesting.RunBuilder();
        var kafka = builder.AddRedBookKafka("kafka");
        ModelTesting.Allocate(kafka.Resource, "tcp", 39092);

        Assert.Equal("localhost:39092", await kafka.Resource.ConnectionStringExpression.GetValueAsync(default));
        Assert.Equal(9092, ModelTesting.Endpoint(kafka.Resource, "tcp").TargetPort);
        Assert.Equal(9093, ModelTesting.Endpoint(kafka.Resource, "internal").TargetPort);
        Assert.Null(ModelTesting.Endpoint(kafka.Resource, "tcp").Port);
        Assert.Contains("kafka_check", ModelTesting.HealthCheckKeys(kafka.Resource));
    }

    [Fact]
    public async Task AddRedBookKafka_RunMode_AdvertisesTheHostPortAndTheContainerName()
    {
        var builder = ModelTesting.RunBuilder();
        var kafka = builder.AddRedBookKafka("kafka");
        ModelTesting.Allocate(kafka.Resource, "tcp", 39092);
        ModelTesting.Allocate(kafka.Resource, "internal", 39093);

        var environment = await ModelTesting.EnvironmentAsync(kafka.Resource);

        Assert.Equal("PLAINTEXT://localhost:29092,PLAINTEXT_HOST://localhost:39092,PLAINTEXT_INTERNAL://kafka:9093", environment["KAFKA_ADVERTISED_LISTENERS"]);
        Assert.Contains("PLAINTEXT_HOST://0.0.0.0:9092", environment["KAFKA_LISTENERS"], StringComparison.Ordinal);
        Assert.Contains("PLAINTEXT_INTERNAL:PLAINTEXT", environment["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithKafkaUI_TwoBrokers_OneUIContainerListsBoth()
    {
        var builder = ModelTesting.RunBuilder();
        var first = builder.AddRedBookKafka("kafka").WithKafkaUI();
        builder.AddRedBookKafka("events").WithKafkaUI();

        var ui = Assert.Single(builder.Resources.OfType<RedBookKafkaUIContainerResource>());
        var environment = await ModelTesting.EnvironmentAsync(ui);

        Assert.Equal("kafka-ui", ui.Name);
        Assert.Equal("kafka", environment["KAFKA_CLUSTERS_0_NAME"]);
        Assert.Equal("kafka:9093", environment["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"]);
        Assert.Equal("events:9093", environment["KAFKA_CLUSTERS_1_BOOTSTRAPSERVERS"]);
        Assert.Contains(ui.Annotations.OfType<ResourceRelationshipAnnotation>(), a => a.Resource == first.Resource && a.Type == "Parent");
        Assert.Contains(ManifestPublishingCallbackAnnotation.Ignore, ui.Annotations);
    }

    [Fact]
    public async Task WithDataVolume_NoName_MountsTheLogDirectoryUnderAGeneratedName()
    {
        var builder = ModelTesting.RunBuilder();
        var kafka = builder.AddRedBookKafka("kafka").WithDataVolume();

        var mount = Assert.Single(kafka.Resource.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal("/var/lib/kafka/data", mount.Target);
        Assert.Equal(VolumeNameGenerator.Generate(kafka, "data"), mount.Source);
        Assert.Equal("/var/lib/kafka/data", (await ModelTesting.EnvironmentAsync(kafka.Resource))["KAFKA_LOG_DIRS"]);
    }
}

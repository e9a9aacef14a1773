using Aspire.Hosting;

namespace RedBook.AppHost.Tests.Hosting.Jaeger;

public class RedBookJaegerBuilderExtensionsTests
{
    [Fact]
    public void AddRedBookJaeger_Model_ExposesUIOtlpAndAdminWithoutFixedHostPorts()
    {
        var builder = ModelTesting.RunBuilder();
        var jaeger = builder.AddRedBookJaeger("jaeger");

        foreach (var (name, port) in new[] { ("ui", 16686), ("otlp-grpc", 4317), ("otlp-http", 4318), ("admin", 14269) })
        {
            var endpoint = ModelTesting.Endpoint(jaeger.Resource, name);
            Assert.Equal(port, endpoint.TargetPort);
            Assert.Null(endpoint.Port);
        }

        Assert.NotEmpty(ModelTesting.HealthCheckKeys(jaeger.Resource));
    }

    [Fact]
    public async Task WithRedBookJaegerExporter_Service_GetsTheOtlpGrpcEndpointWithoutWaiting()
    {
        var builder = ModelTesting.RunBuilder();
        var jaeger = builder.AddRedBookJaeger("jaeger");
        var service = builder.AddExecutable("svc", "svc", ".").WithRedBookJaegerExporter(jaeger);
        ModelTesting.Allocate(jaeger.Resource, "otlp-grpc", 34317);

        var environment = await ModelTesting.EnvironmentAsync(service.Resource);

        Assert.Equal("http://localhost:34317", environment["RedBook__Telemetry__JaegerEndpoint"]);
        Assert.Equal("grpc", environment["RedBook__Telemetry__JaegerProtocol"]);
        Assert.DoesNotContain(service.Resource.Annotations, a => a is Aspire.Hosting.ApplicationModel.WaitAnnotation);
    }
}

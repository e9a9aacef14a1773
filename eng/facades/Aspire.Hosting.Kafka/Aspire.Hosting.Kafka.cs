// Facade of NuGet package Aspire.Hosting.Kafka 13.5.2, assembly Aspire.Hosting.Kafka.
// Read from microsoft/aspire tag v13.5.2: src/Aspire.Hosting.Kafka/api/Aspire.Hosting.Kafka.cs.
// Note: the Kafka resources live in namespace Aspire.Hosting, not Aspire.Hosting.ApplicationModel.
// Only the members RedBook's online ring uses; bodies throw. Never referenced by shipped projects.
#nullable enable

namespace Aspire.Hosting
{
    public static partial class KafkaBuilderExtensions
    {
        public static ApplicationModel.IResourceBuilder<KafkaServerResource> AddKafka(this IDistributedApplicationBuilder builder, string name, int? port = null) => throw null!;

        public static ApplicationModel.IResourceBuilder<KafkaServerResource> WithDataVolume(this ApplicationModel.IResourceBuilder<KafkaServerResource> builder, string? name = null, bool isReadOnly = false) => throw null!;

        public static ApplicationModel.IResourceBuilder<KafkaServerResource> WithKafkaUI(this ApplicationModel.IResourceBuilder<KafkaServerResource> builder, System.Action<ApplicationModel.IResourceBuilder<KafkaUIContainerResource>>? configureContainer = null, string? containerName = null) => throw null!;
    }

    public partial class KafkaServerResource : ApplicationModel.ContainerResource, ApplicationModel.IResourceWithConnectionString, ApplicationModel.IResource, ApplicationModel.IExpressionValue, ApplicationModel.IValueProvider, ApplicationModel.IManifestExpressionProvider, ApplicationModel.IValueWithReferences, ApplicationModel.IResourceWithEnvironment
    {
        public KafkaServerResource(string name) : base(default!, default) { }

        public ApplicationModel.ReferenceExpression ConnectionStringExpression => throw null!;
    }

    public sealed partial class KafkaUIContainerResource : ApplicationModel.ContainerResource
    {
        public KafkaUIContainerResource(string name) : base(default!, default) { }
    }
}

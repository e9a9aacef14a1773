// Facade of NuGet package Aspire.Hosting.MongoDB 13.5.2, assembly Aspire.Hosting.MongoDB.
// Read from microsoft/aspire tag v13.5.2: src/Aspire.Hosting.MongoDB/api/Aspire.Hosting.MongoDB.cs.
// Only the members RedBook's online ring uses; bodies throw. Never referenced by shipped projects.
#nullable enable
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting
{
    public static partial class MongoDBBuilderExtensions
    {
        public static IResourceBuilder<MongoDBDatabaseResource> AddDatabase(this IResourceBuilder<MongoDBServerResource> builder, string name, string? databaseName = null) => throw null!;

        public static IResourceBuilder<MongoDBServerResource> AddMongoDB(this IDistributedApplicationBuilder builder, string name, int? port = null, IResourceBuilder<ParameterResource>? userName = null, IResourceBuilder<ParameterResource>? password = null) => throw null!;

        public static IResourceBuilder<MongoDBServerResource> AddMongoDB(this IDistributedApplicationBuilder builder, string name, int? port) => throw null!;

        public static IResourceBuilder<MongoDBServerResource> WithDataVolume(this IResourceBuilder<MongoDBServerResource> builder, string? name = null, bool isReadOnly = false) => throw null!;

        public static IResourceBuilder<T> WithMongoExpress<T>(this IResourceBuilder<T> builder, System.Action<IResourceBuilder<MongoDB.MongoExpressContainerResource>>? configureContainer = null, string? containerName = null)
            where T : MongoDBServerResource => throw null!;
    }
}

namespace Aspire.Hosting.ApplicationModel
{
    public partial class MongoDBDatabaseResource : Resource, IResourceWithParent<MongoDBServerResource>, IResourceWithParent, IResource, IResourceWithConnectionString, IExpressionValue, IValueProvider, IManifestExpressionProvider, IValueWithReferences
    {
        public MongoDBDatabaseResource(string name, string databaseName, MongoDBServerResource parent) : base(default!) { }

        public ReferenceExpression ConnectionStringExpression => throw null!;

        public string DatabaseName => throw null!;

        public MongoDBServerResource Parent => throw null!;
    }

    public partial class MongoDBServerResource : ContainerResource, IResourceWithConnectionString, IResource, IExpressionValue, IValueProvider, IManifestExpressionProvider, IValueWithReferences
    {
        public MongoDBServerResource(string name) : base(default!, default) { }

        public ReferenceExpression ConnectionStringExpression => throw null!;
    }
}

namespace Aspire.Hosting.MongoDB
{
    public sealed partial class MongoExpressContainerResource : ApplicationModel.ContainerResource
    {
        public MongoExpressContainerResource(string name) : base(default!, default) { }
    }
}

// Facade of NuGet package Aspire.Hosting.Redis 13.5.2, assembly Aspire.Hosting.Redis.
// Read from microsoft/aspire tag v13.5.2: src/Aspire.Hosting.Redis/api/Aspire.Hosting.Redis.cs.
// Only the members RedBook's online ring uses; bodies throw. Never referenced by shipped projects.
#nullable enable
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting
{
    public static partial class RedisBuilderExtensions
    {
        public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name, int? port = null, IResourceBuilder<ParameterResource>? password = null) => throw null!;

        public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name, int? port) => throw null!;

        public static IResourceBuilder<RedisResource> WithDataVolume(this IResourceBuilder<RedisResource> builder, string? name = null, bool isReadOnly = false) => throw null!;

        public static IResourceBuilder<Redis.RedisInsightResource> WithDataVolume(this IResourceBuilder<Redis.RedisInsightResource> builder, string? name = null) => throw null!;

        public static IResourceBuilder<RedisResource> WithPersistence(this IResourceBuilder<RedisResource> builder, System.TimeSpan? interval = null, long keysChangedThreshold = 1) => throw null!;

        public static IResourceBuilder<RedisResource> WithRedisInsight(this IResourceBuilder<RedisResource> builder, System.Action<IResourceBuilder<Redis.RedisInsightResource>>? configureContainer = null, string? containerName = null) => throw null!;
    }
}

namespace Aspire.Hosting.ApplicationModel
{
    public partial class RedisResource : ContainerResource, IResourceWithConnectionString, IResource, IExpressionValue, IValueProvider, IManifestExpressionProvider, IValueWithReferences
    {
        public RedisResource(string name) : base(default!, default) { }

        public ReferenceExpression ConnectionStringExpression => throw null!;
    }
}

namespace Aspire.Hosting.Redis
{
    public partial class RedisInsightResource : ApplicationModel.ContainerResource
    {
        public RedisInsightResource(string name) : base(default!, default) { }
    }
}

// Facade of NuGet package Aspire.MongoDB.Driver 13.5.2, assembly Aspire.MongoDB.Driver.
// Read from microsoft/aspire tag v13.5.2: src/Components/Aspire.MongoDB.Driver/api/Aspire.MongoDB.Driver.cs.
// Registers IMongoClient (and IMongoDatabase when the connection string names a database).
// Bodies throw. Never referenced by shipped projects.
#nullable enable

namespace Aspire.MongoDB.Driver
{
    public sealed partial class MongoDBSettings
    {
        public string? ConnectionString { get => throw null!; set { } }

        public bool DisableHealthChecks { get => throw null!; set { } }

        public bool DisableTracing { get => throw null!; set { } }

        public int? HealthCheckTimeout { get => throw null!; set { } }
    }
}

namespace Microsoft.Extensions.Hosting
{
    public static partial class AspireMongoDBDriverExtensions
    {
        public static void AddKeyedMongoDBClient(this IHostApplicationBuilder builder, string name, System.Action<Aspire.MongoDB.Driver.MongoDBSettings>? configureSettings = null, System.Action<global::MongoDB.Driver.MongoClientSettings>? configureClientSettings = null) { }

        public static void AddMongoDBClient(this IHostApplicationBuilder builder, string connectionName, System.Action<Aspire.MongoDB.Driver.MongoDBSettings>? configureSettings = null, System.Action<global::MongoDB.Driver.MongoClientSettings>? configureClientSettings = null) { }
    }
}

// Facade of NuGet package MongoDB.Driver 3.9.0, assembly MongoDB.Driver.
// Read from mongodb/mongo-csharp-driver tag v3.9.0: src/MongoDB.Driver/IMongoClient.cs,
// IMongoDatabase.cs, IMongoCollection.cs, MongoClientSettings.cs, MongoDatabaseSettings.cs,
// MongoCollectionSettings.cs.
// The driver is not nullable-annotated, so these declarations are nullable-oblivious as well.
// Only the members RedBook's online ring uses; bodies throw. Never referenced by shipped projects.
#nullable disable
using System;

namespace MongoDB.Driver
{
    public interface IMongoClient : IDisposable
    {
        IMongoDatabase GetDatabase(string name, MongoDatabaseSettings settings = null);
    }

    public interface IMongoCollection<TDocument>
    {
    }

    public interface IMongoDatabase
    {
        IMongoCollection<TDocument> GetCollection<TDocument>(string name, MongoCollectionSettings settings = null);
    }

    public class MongoClientSettings
    {
        public MongoClientSettings() { }

        public string ApplicationName { get => throw null; set { } }

        public TimeSpan ConnectTimeout { get => throw null; set { } }

        public int MaxConnectionPoolSize { get => throw null; set { } }

        public bool RetryReads { get => throw null; set { } }

        public bool RetryWrites { get => throw null; set { } }

        public TimeSpan ServerSelectionTimeout { get => throw null; set { } }

        public static MongoClientSettings FromConnectionString(string connectionString) => throw null;

        public MongoClientSettings Clone() => throw null;
    }

    public class MongoCollectionSettings
    {
        public MongoCollectionSettings() { }
    }

    public class MongoDatabaseSettings
    {
        public MongoDatabaseSettings() { }
    }
}

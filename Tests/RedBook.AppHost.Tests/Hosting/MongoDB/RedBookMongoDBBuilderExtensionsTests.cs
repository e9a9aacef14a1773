using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using MongoDB.Driver;
using RedBook.Hosting;

namespace RedBook.AppHost.Tests.Hosting.MongoDB;

public class RedBookMongoDBBuilderExtensionsTests
{
    [Fact]
    public async Task AddRedBookMongoDB_Allocated_ConnectionStringCarriesCredentialsReplicaSetAndDirectConnection()
    {
        var builder = ModelTesting.RunBuilder();
        var password = builder.AddParameter("pw", "p@ss w/rd", secret: true);
        var mongo = builder.AddRedBookMongoDB("mongo", password: password);
        ModelTesting.Allocate(mongo.Resource, "tcp", 27018);

        var connectionString = await mongo.Resource.ConnectionStringExpression.GetValueAsync(default);

        Assert.Equal("mongodb://admin:p%40ss%20w%2Frd@localhost:27018/?authSource=admin&authMechanism=SCRAM-SHA-256&replicaSet=rs0&directConnection=true", connectionString);
        var url = new MongoUrl(connectionString);
        Assert.Equal("rs0", url.ReplicaSetName);
        Assert.True(url.DirectConnection);
        Assert.Equal("p@ss w/rd", url.Password);
    }

    [Fact]
    public async Task AddDatabase_Allocated_ConnectionStringNamesTheDatabaseOnTheSameServer()
    {
        var builder = ModelTesting.RunBuilder();
        var mongo = builder.AddRedBookMongoDB("mongo", userName: builder.AddParameter("user", "feeder"), password: builder.AddParameter("pw", "secret", secret: true));
        var feedDb = mongo.AddDatabase("feeddb");
        var usersDb = mongo.AddDatabase("users", "usersdb");
        ModelTesting.Allocate(mongo.Resource, "tcp", 40000);

        Assert.Equal("mongodb://feeder:secret@localhost:40000/feeddb?authSource=admin&authMechanism=SCRAM-SHA-256&replicaSet=rs0&directConnection=true", await feedDb.Resource.ConnectionStringExpression.GetValueAsync(default));
        Assert.Equal("usersdb", new MongoUrl(await usersDb.Resource.ConnectionStringExpression.GetValueAsync(default)).DatabaseName);
        Assert.Same(mongo.Resource, feedDb.Resource.Parent);
        Assert.Equal(new Dictionary<string, string> { ["feeddb"] = "feeddb", ["users"] = "usersdb" }, mongo.Resource.Databases);
        Assert.Contains("feeddb_check", ModelTesting.HealthCheckKeys(feedDb.Resource));
    }

    [Fact]
    public async Task AddRedBookMongoDB_Model_RunsTheImageAsAReplicaSetWithAKeyFileAndAHealthCheck()
    {
        var builder = ModelTesting.RunBuilder();
        var mongo = builder.AddRedBookMongoDB("mongo");

        var image = Assert.Single(mongo.Resource.Annotations.OfType<ContainerImageAnnotation>());
        Assert.Equal(("library/mongo", "8.0", "docker.io"), (image.Image, image.Tag, image.Registry));
        var endpoint = ModelTesting.Endpoint(mongo.Resource, "tcp");
        Assert.Equal(27017, endpoint.TargetPort);
        Assert.Null(endpoint.Port); // Aspire picks the host port: nothing fixed to collide with.
        Assert.Equal(["--replSet", "rs0", "--bind_ip_all", "--keyFile", "/etc/redbook-mongo/keyfile"], await ModelTesting.ArgumentsAsync(mongo.Resource));
        var files = Assert.Single(mongo.Resource.Annotations.OfType<ContainerFileSystemCallbackAnnotation>());
        Assert.Equal("/etc/redbook-mongo", files.DestinationPath);
        Assert.Contains("mongo_check", ModelTesting.HealthCheckKeys(mongo.Resource));
        Assert.True(mongo.Resource.PasswordParameter is { Name: "mongo-password", Secret: true });
    }

    [Fact]
    public async Task AddRedBookMongoDB_Environment_CreatesTheRootUser()
    {
        var builder = ModelTesting.RunBuilder();
        var mongo = builder.AddRedBookMongoDB("mongo", password: builder.AddParameter("pw", "secret", secret: true));

        var environment = await ModelTesting.EnvironmentAsync(mongo.Resource);

        Assert.Equal("admin", environment["MONGO_INITDB_ROOT_USERNAME"]);
        Assert.Equal("secret", environment["MONGO_INITDB_ROOT_PASSWORD"]);
    }

    [Fact]
    public void WithDataVolume_NoName_NamesTheVolumeAfterTheAppHostAndResource()
    {
        var builder = ModelTesting.RunBuilder();
        var mongo = builder.AddRedBookMongoDB("mongo").WithDataVolume();

        var mount = Assert.Single(mongo.Resource.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal("/data/db", mount.Target);
        Assert.Equal(VolumeNameGenerator.Generate(mongo, "data"), mount.Source);
        Assert.EndsWith("-mongo-data", mount.Source, StringComparison.Ordinal);
        Assert.StartsWith(builder.Environment.ApplicationName.ToLowerInvariant() + "-", mount.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyFileContents_Password_IsStableBase64AndDiffersPerPassword()
    {
        var first = RedBookMongoDBBuilderExtensions.KeyFileContents("secret");

        Assert.Equal(first, RedBookMongoDBBuilderExtensions.KeyFileContents("secret"));
        Assert.NotEqual(first, RedBookMongoDBBuilderExtensions.KeyFileContents("secret2"));
        Assert.Equal(32, Convert.FromBase64String(first).Length);
        Assert.Throws<ArgumentException>(() => RedBookMongoDBBuilderExtensions.KeyFileContents(""));
    }

    [Fact]
    public void AdminSettings_ConnectionString_ConnectsDirectlyWithoutTheSetName()
    {
        var settings = MongoReplicaSetHealthCheck.AdminSettings("mongodb://admin:pw@localhost:1234/?authSource=admin&replicaSet=rs0&directConnection=true");

        Assert.Null(settings.ReplicaSetName);
        Assert.True(settings.DirectConnection);
        Assert.Equal("admin", settings.Credential.Username);
        Assert.Equal(1234, Assert.Single(settings.Servers).Port);
    }

    [Fact]
    public void ReplicaSetConfiguration_Default_HasOneMemberAsItNamesItself()
    {
        var configuration = MongoReplicaSetHealthCheck.ReplicaSetConfiguration();

        Assert.Equal("rs0", configuration["_id"].AsString);
        var member = Assert.Single(configuration["members"].AsBsonArray).AsBsonDocument;
        Assert.Equal("localhost:27017", member["host"].AsString);
    }

    [Fact]
    public async Task HealthCheck_NoConnectionString_IsUnhealthy()
    {
        var check = new MongoReplicaSetHealthCheck(() => null);

        var result = await check.CheckHealthAsync(new());

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, result.Status);
    }

    [RequiresMongoDBFact]
    public async Task HealthCheck_RealServer_InitiatesTheSetAndBecomesHealthy()
    {
        // A MongoDB started with --replSet rs0 (and, with credentials, --keyFile), uninitiated or already initiated.
        var connectionString = RequiresMongoDBFactAttribute.ConnectionString!;
        var check = new MongoReplicaSetHealthCheck(() => connectionString);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await check.CheckHealthAsync(new(), deadline.Token);
        while (result.Status != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy && !deadline.IsCancellationRequested)
        {
            await Task.Delay(500, deadline.Token);
            result = await check.CheckHealthAsync(new(), deadline.Token);
        }

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, result.Status);
    }
}

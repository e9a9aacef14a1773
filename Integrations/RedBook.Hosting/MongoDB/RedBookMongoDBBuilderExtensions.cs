using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedBook.Hosting;

namespace Aspire.Hosting;

/// <summary>
/// Adds MongoDB to the application model as a single-node replica set: <c>AddRedBookMongoDB("mongo")</c>, then
/// <c>.AddDatabase("feeddb")</c>, as with Aspire.Hosting.MongoDB's <c>AddMongoDB</c>.
/// </summary>
public static class RedBookMongoDBBuilderExtensions
{
    internal const string Registry = "docker.io";
    internal const string Image = "library/mongo";
    internal const string Tag = "8.0";

    /// <summary>Where the replica set's key file is written in the container.</summary>
    internal const string KeyFileDirectory = "/etc/redbook-mongo";

    internal const string KeyFileName = "keyfile";

    /// <summary>The <c>mongodb</c> user and group of the official image.</summary>
    internal const int MongoUserId = 999;

    /// <summary>
    /// Adds a MongoDB container (<c>mongo:8.0</c>) started as the single-node replica set <c>rs0</c> with
    /// authentication. The root password is a generated parameter (<c>{name}-password</c>, kept in the AppHost's user
    /// secrets); the replica set's key file, which MongoDB requires once a set has authentication, is derived from it.
    /// The health check initiates the set on first start and is healthy once the member is primary.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="userName">The root user's name; <see langword="null"/> means <c>admin</c>.</param>
    /// <param name="password">The root user's password; <see langword="null"/> generates one.</param>
    /// <example><code>var mongo = builder.AddRedBookMongoDB("mongo").WithDataVolume();
    /// var feedDb = mongo.AddDatabase("feeddb");</code></example>
    public static IResourceBuilder<RedBookMongoDBServerResource> AddRedBookMongoDB(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<ParameterResource>? userName = null,
        IResourceBuilder<ParameterResource>? password = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var passwordParameter = password?.Resource ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var mongo = new RedBookMongoDBServerResource(name, userName?.Resource, passwordParameter);
        var healthCheckKey = AddHealthCheck(builder, mongo, name);

        return builder.AddResource(mongo)
            .WithImage(Image, Tag)
            .WithImageRegistry(Registry)
            .WithIconName("DatabaseMultiple")
            .WithEndpoint(targetPort: RedBookMongoDBServerResource.TargetPort, name: RedBookMongoDBServerResource.PrimaryEndpointName)
            .WithEnvironment(context =>
            {
                context.EnvironmentVariables["MONGO_INITDB_ROOT_USERNAME"] = mongo.UserNameReference;
                context.EnvironmentVariables["MONGO_INITDB_ROOT_PASSWORD"] = mongo.PasswordParameter;
            })
            .WithContainerFiles(KeyFileDirectory, async (_, ct) =>
            [
                new ContainerFile
                {
                    Name = KeyFileName,
                    Contents = KeyFileContents(await mongo.PasswordParameter.GetValueAsync(ct).ConfigureAwait(false)),
                    Owner = MongoUserId,
                    Group = MongoUserId,
                    Mode = UnixFileMode.UserRead,
                },
            ])
            // The image's entrypoint puts `mongod` in front of arguments that start with '-', creates the root user on
            // a first start, and then runs mongod with these.
            .WithArgs(
                "--replSet", RedBookMongoDBServerResource.ReplicaSetName,
                "--bind_ip_all",
                "--keyFile", $"{KeyFileDirectory}/{KeyFileName}")
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>
    /// Adds a database. Its connection string is the server's with the database in the path; it is healthy when
    /// the server is.
    /// </summary>
    /// <param name="builder">The server.</param>
    /// <param name="name">The resource name (and the connection string's name).</param>
    /// <param name="databaseName">The database's name; <see langword="null"/> uses <paramref name="name"/>.</param>
    public static IResourceBuilder<RedBookMongoDBDatabaseResource> AddDatabase(this IResourceBuilder<RedBookMongoDBServerResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        databaseName ??= name;
        builder.Resource.AddDatabase(name, databaseName);
        var database = new RedBookMongoDBDatabaseResource(name, databaseName, builder.Resource);
        var healthCheckKey = AddHealthCheck(builder.ApplicationBuilder, database, name);
        return builder.ApplicationBuilder.AddResource(database)
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>
    /// Keeps the data in a named volume mounted at <c>/data/db</c>. The default name is Aspire's
    /// <see cref="VolumeNameGenerator"/>: <c>{apphost name}-{hash of the AppHost path}-{resource}-data</c>.
    /// </summary>
    /// <param name="builder">The server.</param>
    /// <param name="name">The volume name; <see langword="null"/> generates one.</param>
    public static IResourceBuilder<RedBookMongoDBServerResource> WithDataVolume(this IResourceBuilder<RedBookMongoDBServerResource> builder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithVolume(name ?? VolumeNameGenerator.Generate(builder, "data"), "/data/db");
    }

    /// <summary>
    /// The key file's contents: the base64 of SHA-256 over the password, so it is as secret as the password, stable
    /// across runs (a persistent container isn't recreated) and in the key file's alphabet.
    /// </summary>
    internal static string KeyFileContents(string? password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        return Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("redbook-mongo-keyfile:" + password)));
    }

    private static string AddHealthCheck(IDistributedApplicationBuilder builder, IResourceWithConnectionString resource, string name)
    {
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, ct) =>
            connectionString = await resource.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        var key = $"{name}_check";
        var check = new MongoReplicaSetHealthCheck(() => connectionString);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            key,
            _ => check,
            failureStatus: default,
            tags: default));
        return key;
    }
}

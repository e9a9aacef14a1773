using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MongoDB.Driver;

namespace RedBook.Messaging.Tests.Clients.MongoDB;

/// <summary>
/// The MongoDB client integration's registrations. No MongoDB server runs here: these tests cover what needs none
/// (the registrations, the settings, and the health check against a closed port).
/// </summary>
public sealed class RedBookMongoDBExtensionsTests
{
    private static HostApplicationBuilder Builder(params (string Key, string Value)[] values)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));
        return builder;
    }

    [Fact]
    public void AddRedBookMongoDBClient_ConnectionStringWithDatabase_RegistersClientAndDatabaseWithSettings()
    {
        var builder = Builder(
            ("ConnectionStrings:feeddb", "mongodb://127.0.0.1:1/feed?replicaSet=rs0"),
            ("RedBook:Clients:MongoDB:ServerSelectionTimeout", "00:00:03"),
            ("RedBook:Clients:MongoDB:feeddb:ConnectTimeout", "00:00:02"),
            ("RedBook:Clients:MongoDB:feeddb:SocketTimeout", "00:00:00.001"));
        builder.AddRedBookMongoDBClient("feeddb", s => s.DisableTracing = true);
        using var host = builder.Build();

        var client = host.Services.GetRequiredService<IMongoClient>();
        var database = host.Services.GetRequiredService<IMongoDatabase>();

        Assert.Equal("feed", database.DatabaseNamespace.DatabaseName);
        Assert.Same(client, database.Client);
        Assert.Equal(TimeSpan.FromSeconds(3), client.Settings.ServerSelectionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), client.Settings.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), client.Settings.SocketTimeout); // clamped
        Assert.Equal("rs0", client.Settings.ReplicaSetName);
        Assert.True(client.Settings.TracingOptions.Disabled);
    }

    [Fact]
    public void AddRedBookMongoDBClient_NoDatabaseInTheUrl_RegistersNoDatabase()
    {
        var builder = Builder(("ConnectionStrings:mongo", "mongodb://127.0.0.1:1"));
        builder.AddRedBookMongoDBClient("mongo");
        using var host = builder.Build();

        Assert.NotNull(host.Services.GetRequiredService<IMongoClient>());
        Assert.Null(host.Services.GetService<IMongoDatabase>());
        Assert.False(host.Services.GetRequiredService<IMongoClient>().Settings.TracingOptions.Disabled);
    }

    [Fact]
    public void AddKeyedRedBookMongoDBClient_TwoNames_ResolveByKey()
    {
        var builder = Builder(("ConnectionStrings:feeddb", "mongodb://127.0.0.1:1/feed"), ("ConnectionStrings:usersdb", "mongodb://127.0.0.1:1/users"));
        builder.AddKeyedRedBookMongoDBClient("feeddb");
        builder.AddKeyedRedBookMongoDBClient("usersdb");
        using var host = builder.Build();

        Assert.Equal("feed", host.Services.GetRequiredKeyedService<IMongoDatabase>("feeddb").DatabaseNamespace.DatabaseName);
        Assert.Equal("users", host.Services.GetRequiredKeyedService<IMongoDatabase>("usersdb").DatabaseNamespace.DatabaseName);
        Assert.Null(host.Services.GetService<IMongoClient>());
    }

    [Theory]
    [InlineData(null, "has no connection string")]
    [InlineData("http://127.0.0.1/feed", "is not valid")]
    public void AddRedBookMongoDBClient_MissingOrInvalidConnectionString_Throws(string? connectionString, string reason)
    {
        var builder = connectionString is null ? Builder() : Builder(("ConnectionStrings:feeddb", connectionString));

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddRedBookMongoDBClient("feeddb"));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_NoServer_IsUnhealthyWithinItsTimeout()
    {
        var builder = Builder(("ConnectionStrings:feeddb", "mongodb://127.0.0.1:1/feed?serverSelectionTimeoutMS=500&connectTimeoutMS=500"));
        builder.AddRedBookMongoDBClient("feeddb", s => s.HealthCheckTimeout = TimeSpan.FromSeconds(10));
        using var host = builder.Build();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Entries["redbook-mongodb"].Status);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using RedBook.Storage;

namespace RedBook.Application.Tests.Storage;

public sealed class StorageRegistrationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("redbook-storage-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private HostApplicationBuilder Builder(IDictionary<string, string?> settings, string replica = "replica-1")
    {
        var contentRoot = Directory.CreateDirectory(Path.Combine(_root, replica)).FullName;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    [Fact]
    public void DataElectionName_MongoDB_IsTheConnectionNameEveryReplicaShares()
    {
        var builder = Builder(new Dictionary<string, string?> { ["ConnectionStrings:feeddb"] = "mongodb://db:27017/feed?replicaSet=rs0" });

        Assert.Equal("feeddb", StorageRegistration.DataElectionName(builder, "feeddb", "feed.db"));
    }

    [Fact]
    public void DataElectionName_Sqlite_IsOnePerFileOnThisHost()
    {
        var defaultFile = StorageRegistration.DataElectionName(Builder(new Dictionary<string, string?>()), "feeddb", "feed.db");
        var sameFile = StorageRegistration.DataElectionName(
            Builder(new Dictionary<string, string?> { [StorageRegistration.SqlitePathKey] = Path.Combine(_root, "replica-1", "App_Data", "feed.db") }, "replica-2"), "feeddb", "feed.db");
        var otherFile = StorageRegistration.DataElectionName(Builder(new Dictionary<string, string?> { [StorageRegistration.SqlitePathKey] = "other/feed.db" }), "feeddb", "feed.db");
        var otherRoot = StorageRegistration.DataElectionName(Builder(new Dictionary<string, string?>(), "replica-3"), "feeddb", "feed.db");

        Assert.Matches("^sqlite-[0-9a-f]{16}$", defaultFile);
        Assert.Equal(defaultFile, sameFile);                             // two replicas opening one file elect one leader
        Assert.NotEqual(defaultFile, otherFile);
        Assert.NotEqual(defaultFile, otherRoot);                         // a replica with a file of its own leads its own
    }
}

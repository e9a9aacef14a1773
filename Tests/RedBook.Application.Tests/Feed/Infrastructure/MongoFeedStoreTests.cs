using RedBook.Application.Tests.Support;
using RedBook.Feed.Core;
using RedBook.Feed.Infrastructure.MongoDB;

namespace RedBook.Application.Tests.Feed.Infrastructure;

/// <summary>
/// The feed store contract against the MongoDB replica set named by <c>REDBOOK_TEST_MONGODB</c> (a new database per
/// test); skipped with that reason when the variable is not set.
/// </summary>
public sealed class MongoFeedStoreTests : FeedStoreContractTests
{
    private TempMongoDatabase? _database;

    protected override IFeedStore CreateStore()
    {
        _database = new TempMongoDatabase();
        return new MongoFeedStore(_database.Database, Time);
    }

    protected override void Dispose(bool disposing)
    {
        _database?.Dispose();
        base.Dispose(disposing);
    }
}

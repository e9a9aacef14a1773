using RedBook.Application.Tests.Support;
using RedBook.Mall.Core;
using RedBook.Mall.Infrastructure.MongoDB;

namespace RedBook.Application.Tests.Mall.Infrastructure;

/// <summary>
/// The mall store contract against the MongoDB replica set named by <c>REDBOOK_TEST_MONGODB</c> (a new database per
/// test); skipped with that reason when the variable is not set.
/// </summary>
public sealed class MongoMallStoreTests : MallStoreContractTests
{
    private TempMongoDatabase? _database;

    protected override IMallStore CreateStore()
    {
        _database = new TempMongoDatabase();
        return new MongoMallStore(_database.Database);
    }

    protected override void Dispose(bool disposing)
    {
        _database?.Dispose();
        base.Dispose(disposing);
    }
}

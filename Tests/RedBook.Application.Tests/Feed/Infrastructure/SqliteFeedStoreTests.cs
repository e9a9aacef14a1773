using RedBook.Application.Tests.Support;
using RedBook.Feed.Core;
using RedBook.Feed.Infrastructure.Sqlite;

namespace RedBook.Application.Tests.Feed.Infrastructure;

/// <summary>The feed store contract against SQLite (a temporary file per test).</summary>
public sealed class SqliteFeedStoreTests : FeedStoreContractTests
{
    private readonly TempSqliteFile _file = new();

    protected override IFeedStore CreateStore() => new SqliteFeedStore(_file.ConnectionString, Time);

    protected override void Dispose(bool disposing)
    {
        _file.Dispose();
        base.Dispose(disposing);
    }
}

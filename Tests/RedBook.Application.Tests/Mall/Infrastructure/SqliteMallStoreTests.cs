using RedBook.Application.Tests.Support;
using RedBook.Mall.Core;
using RedBook.Mall.Infrastructure.Sqlite;

namespace RedBook.Application.Tests.Mall.Infrastructure;

/// <summary>The mall store contract against SQLite (a temporary file per test).</summary>
public sealed class SqliteMallStoreTests : MallStoreContractTests
{
    private readonly TempSqliteFile _file = new();

    protected override IMallStore CreateStore() => new SqliteMallStore(_file.ConnectionString);

    protected override void Dispose(bool disposing)
    {
        _file.Dispose();
        base.Dispose(disposing);
    }
}

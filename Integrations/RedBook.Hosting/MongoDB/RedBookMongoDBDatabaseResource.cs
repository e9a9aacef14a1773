using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>A database on a <see cref="RedBookMongoDBServerResource"/>: the connection string names it.</summary>
/// <param name="name">The resource name (and the connection string's name).</param>
/// <param name="databaseName">The database's name.</param>
/// <param name="parent">The server.</param>
public sealed class RedBookMongoDBDatabaseResource(string name, string databaseName, RedBookMongoDBServerResource parent)
    : Resource(name), IResourceWithParent<RedBookMongoDBServerResource>, IResourceWithConnectionString
{
    /// <summary>The database's name.</summary>
    public string DatabaseName { get; } = databaseName;

    /// <summary>The server.</summary>
    public RedBookMongoDBServerResource Parent { get; } = parent ?? throw new ArgumentNullException(nameof(parent));

    /// <summary>The server's connection string with this database in its path.</summary>
    public ReferenceExpression ConnectionStringExpression => Parent.BuildConnectionString(DatabaseName);
}

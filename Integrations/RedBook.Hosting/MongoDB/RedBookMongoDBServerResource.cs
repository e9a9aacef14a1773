using Aspire.Hosting.ApplicationModel;

namespace RedBook.Hosting;

/// <summary>
/// MongoDB in a container, run as a single-node replica set (transactions and change streams need one), with
/// authentication. Its connection string carries what the driver needs for that: the credentials with
/// <c>authSource=admin</c>, <c>replicaSet</c> and <c>directConnection=true</c> (the member knows itself as
/// <c>localhost:27017</c> inside the container, which the host can't reach, so the driver must not follow the
/// member list).
/// </summary>
public sealed class RedBookMongoDBServerResource : ContainerResource, IResourceWithConnectionString
{
    /// <summary>The name of the server's endpoint.</summary>
    public const string PrimaryEndpointName = "tcp";

    /// <summary>The replica set's name.</summary>
    public const string ReplicaSetName = "rs0";

    /// <summary>The user name used when none is given.</summary>
    public const string DefaultUserName = "admin";

    /// <summary>MongoDB's port inside the container.</summary>
    internal const int TargetPort = 27017;

    /// <summary>How the only member names itself in the replica set configuration.</summary>
    internal const string MemberHost = "localhost:27017";

    private readonly Dictionary<string, string> _databases = new(StringComparer.OrdinalIgnoreCase);
    private EndpointReference? _primaryEndpoint;

    /// <summary>Creates the resource.</summary>
    /// <param name="name">The resource name.</param>
    /// <param name="userName">The root user's name; <see langword="null"/> means <see cref="DefaultUserName"/>.</param>
    /// <param name="password">The root user's password.</param>
    public RedBookMongoDBServerResource(string name, ParameterResource? userName, ParameterResource password)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(password);
        UserNameParameter = userName;
        PasswordParameter = password;
    }

    /// <summary>The server's endpoint.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary>The root user's name parameter, or <see langword="null"/> for <see cref="DefaultUserName"/>.</summary>
    public ParameterResource? UserNameParameter { get; }

    /// <summary>The root user's password parameter.</summary>
    public ParameterResource PasswordParameter { get; }

    /// <summary>The root user's name as an expression.</summary>
    public ReferenceExpression UserNameReference =>
        UserNameParameter is not null ? ReferenceExpression.Create($"{UserNameParameter}") : ReferenceExpression.Create($"{DefaultUserName}");

    /// <summary>The databases added with <c>AddDatabase</c>: resource name to database name.</summary>
    public IReadOnlyDictionary<string, string> Databases => _databases;

    /// <summary>The server's connection string, without a database.</summary>
    public ReferenceExpression ConnectionStringExpression => BuildConnectionString(databaseName: null);

    internal void AddDatabase(string name, string databaseName) => _databases.TryAdd(name, databaseName);

    /// <summary>
    /// <c>mongodb://{user}:{password}@{host}:{port}/{database}?authSource=admin&amp;authMechanism=SCRAM-SHA-256&amp;replicaSet=rs0&amp;directConnection=true</c>.
    /// </summary>
    internal ReferenceExpression BuildConnectionString(string? databaseName)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.AppendLiteral("mongodb://");
        if (UserNameParameter is not null)
        {
            builder.Append($"{UserNameParameter:uri}");
        }
        else
        {
            builder.AppendLiteral(DefaultUserName);
        }

        builder.Append($":{PasswordParameter:uri}@{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}/");
        if (databaseName is not null)
        {
            builder.Append($"{databaseName:uri}");
        }

        builder.AppendLiteral($"?authSource=admin&authMechanism=SCRAM-SHA-256&replicaSet={ReplicaSetName}&directConnection=true");
        return builder.Build();
    }
}

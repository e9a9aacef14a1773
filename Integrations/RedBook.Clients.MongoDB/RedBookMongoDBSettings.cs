namespace RedBook.Clients.MongoDB;

/// <summary>
/// Settings of a client registered by <c>AddRedBookMongoDBClient</c>, bound from <c>RedBook:Clients:MongoDB</c> and
/// then <c>RedBook:Clients:MongoDB:{connectionName}</c>, then the connection string <c>ConnectionStrings:{connectionName}</c>,
/// then the code's delegate. Timeouts that are set are clamped to 100 ms..10 min.
/// </summary>
public sealed class RedBookMongoDBSettings
{
    /// <summary>The MongoDB connection string (<c>mongodb://...</c> or <c>mongodb+srv://...</c>); a database in its path registers <c>IMongoDatabase</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Turns off the health check (a <c>ping</c> to the server). Default <see langword="false"/>.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Turns off the driver's activities (ActivitySource <c>MongoDB.Driver</c>). Default <see langword="false"/>.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Turns off the command-duration histogram (<c>db.client.operation.duration</c>). Default <see langword="false"/>.</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>How long the health check's ping may take. Default 5 s; clamped to 100 ms..60 s.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an operation waits for a suitable server (the driver's default is 30 s). Null keeps the connection string's or the driver's value.</summary>
    public TimeSpan? ServerSelectionTimeout { get; set; }

    /// <summary>How long opening a connection may take (the driver's default is 30 s). Null keeps the connection string's or the driver's value.</summary>
    public TimeSpan? ConnectTimeout { get; set; }

    /// <summary>How long a socket read or write may take (the driver's default is infinite). Null keeps the connection string's or the driver's value.</summary>
    public TimeSpan? SocketTimeout { get; set; }
}

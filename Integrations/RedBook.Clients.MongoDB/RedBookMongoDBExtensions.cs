using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Driver;
using MongoDB.Driver.Core.Configuration;
using RedBook.Clients.MongoDB;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers a MongoDB client in the service's container, in the shape of Aspire's Aspire.MongoDB.Driver
/// (<c>AddMongoDBClient</c>), which is not served here: <see cref="IMongoClient"/>, and <see cref="IMongoDatabase"/>
/// when the connection string names a database; a ping health check, the driver's native traces and command-duration
/// metrics, each of which a settings flag turns off. See docs/integrations.md.
/// </summary>
public static class RedBookMongoDBExtensions
{
    /// <summary>The settings section (<c>RedBook:Clients:MongoDB</c>, then <c>...:{connectionName}</c>).</summary>
    public const string SectionName = "RedBook:Clients:MongoDB";

    /// <summary>The driver's ActivitySource (<c>MongoDB.Driver</c>), added to the service's tracing unless disabled.</summary>
    public const string ActivitySourceName = MongoTelemetry.ActivitySourceName;

    /// <summary>The Meter of the command-duration histogram.</summary>
    public const string MeterName = MongoCommandMetrics.MeterName;

    private static readonly TimeSpan s_minTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Registers <see cref="IMongoClient"/> (and <see cref="IMongoDatabase"/> when the connection string names a
    /// database) for <c>ConnectionStrings:{connectionName}</c>, for example <c>"feeddb"</c>.
    /// </summary>
    /// <param name="builder">The service's host builder.</param>
    /// <param name="connectionName">The connection string's name (also the settings' subsection).</param>
    /// <param name="configureSettings">Changes the settings after configuration is read.</param>
    /// <param name="configureClientSettings">Changes the driver's <see cref="MongoClientSettings"/> before the client is created.</param>
    /// <exception cref="InvalidOperationException">No connection string is configured, or it is not a MongoDB URL.</exception>
    public static IHostApplicationBuilder AddRedBookMongoDBClient(this IHostApplicationBuilder builder, string connectionName,
        Action<RedBookMongoDBSettings>? configureSettings = null, Action<MongoClientSettings>? configureClientSettings = null) =>
        AddClient(builder, connectionName, serviceKey: null, configureSettings, configureClientSettings);

    /// <summary>Registers keyed <see cref="IMongoClient"/> and <see cref="IMongoDatabase"/> services (key = <paramref name="name"/>), otherwise as <see cref="AddRedBookMongoDBClient"/>.</summary>
    /// <exception cref="InvalidOperationException">No connection string is configured, or it is not a MongoDB URL.</exception>
    public static IHostApplicationBuilder AddKeyedRedBookMongoDBClient(this IHostApplicationBuilder builder, string name,
        Action<RedBookMongoDBSettings>? configureSettings = null, Action<MongoClientSettings>? configureClientSettings = null) =>
        AddClient(builder, name, serviceKey: name, configureSettings, configureClientSettings);

    private static IHostApplicationBuilder AddClient(IHostApplicationBuilder builder, string connectionName, string? serviceKey,
        Action<RedBookMongoDBSettings>? configureSettings, Action<MongoClientSettings>? configureClientSettings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new RedBookMongoDBSettings();
        builder.Configuration.GetSection(SectionName).Bind(settings);
        builder.Configuration.GetSection($"{SectionName}:{connectionName}").Bind(settings);
        settings.ConnectionString = builder.Configuration.GetConnectionString(connectionName) ?? settings.ConnectionString;
        configureSettings?.Invoke(settings);

        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                $"The MongoDB connection '{connectionName}' has no connection string: set ConnectionStrings:{connectionName} or {SectionName}:{connectionName}:ConnectionString.");
        }

        MongoUrl url;
        try
        {
            url = MongoUrl.Create(settings.ConnectionString);
        }
        catch (MongoConfigurationException e)
        {
            throw new InvalidOperationException($"The MongoDB connection string '{connectionName}' is not valid: {e.Message}", e);
        }

        MongoClient CreateClient()
        {
            var clientSettings = MongoClientSettings.FromUrl(url);
            ApplyTimeouts(settings, clientSettings);
            clientSettings.TracingOptions = new TracingOptions { Disabled = settings.DisableTracing };
            if (!settings.DisableMetrics)
            {
                var configured = clientSettings.ClusterConfigurator;
                clientSettings.ClusterConfigurator = cluster =>
                {
                    configured?.Invoke(cluster);
                    MongoCommandMetrics.Subscribe(cluster);
                };
            }

            configureClientSettings?.Invoke(clientSettings);
            return new MongoClient(clientSettings);
        }

        if (serviceKey is null)
        {
            builder.Services.AddSingleton<IMongoClient>(_ => CreateClient());
            if (url.DatabaseName is { Length: > 0 } databaseName)
            {
                builder.Services.AddSingleton(sp => sp.GetRequiredService<IMongoClient>().GetDatabase(databaseName));
            }
        }
        else
        {
            builder.Services.AddKeyedSingleton<IMongoClient>(serviceKey, (_, _) => CreateClient());
            if (url.DatabaseName is { Length: > 0 } databaseName)
            {
                builder.Services.AddKeyedSingleton(serviceKey, (sp, key) => sp.GetRequiredKeyedService<IMongoClient>(key).GetDatabase(databaseName));
            }
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(static t => t.AddSource(ActivitySourceName));
        }

        if (!settings.DisableMetrics)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(static m => m.AddMeter(MeterName));
        }

        if (!settings.DisableHealthChecks)
        {
            var timeout = MongoPingHealthCheck.Clamp(settings.HealthCheckTimeout);
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                serviceKey is null ? "redbook-mongodb" : $"redbook-mongodb_{serviceKey}",
                sp => new MongoPingHealthCheck(serviceKey is null ? sp.GetRequiredService<IMongoClient>() : sp.GetRequiredKeyedService<IMongoClient>(serviceKey), timeout),
                failureStatus: null,
                tags: ["mongodb"],
                timeout: timeout + TimeSpan.FromSeconds(1)));
        }

        return builder;
    }

    private static void ApplyTimeouts(RedBookMongoDBSettings settings, MongoClientSettings clientSettings)
    {
        if (settings.ServerSelectionTimeout is { } serverSelection)
        {
            clientSettings.ServerSelectionTimeout = Clamp(serverSelection);
        }

        if (settings.ConnectTimeout is { } connect)
        {
            clientSettings.ConnectTimeout = Clamp(connect);
        }

        if (settings.SocketTimeout is { } socket)
        {
            clientSettings.SocketTimeout = Clamp(socket);
        }
    }

    private static TimeSpan Clamp(TimeSpan value) => value < s_minTimeout ? s_minTimeout : value > s_maxTimeout ? s_maxTimeout : value;
}

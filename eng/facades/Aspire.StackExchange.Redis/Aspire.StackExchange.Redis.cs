// Facade of NuGet package Aspire.StackExchange.Redis 13.5.2, assembly Aspire.StackExchange.Redis.
// Read from microsoft/aspire tag v13.5.2: src/Components/Aspire.StackExchange.Redis/api/Aspire.StackExchange.Redis.cs.
// Registers IConnectionMultiplexer. Bodies throw. Never referenced by shipped projects.
#nullable enable

namespace Aspire.StackExchange.Redis
{
    public sealed partial class AspireRedisClientBuilder
    {
        public AspireRedisClientBuilder(Microsoft.Extensions.Hosting.IHostApplicationBuilder hostBuilder, StackExchangeRedisSettings settings, string? serviceKey) { }

        public Microsoft.Extensions.Hosting.IHostApplicationBuilder HostBuilder => throw null!;

        public string? ServiceKey => throw null!;

        public StackExchangeRedisSettings Settings => throw null!;
    }

    public sealed partial class StackExchangeRedisSettings
    {
        public string? ConnectionString { get => throw null!; set { } }

        public bool DisableAutoActivation { get => throw null!; set { } }

        public bool DisableHealthChecks { get => throw null!; set { } }

        public bool DisableTracing { get => throw null!; set { } }
    }
}

namespace Microsoft.Extensions.Hosting
{
    public static partial class AspireRedisExtensions
    {
        public static void AddKeyedRedisClient(this IHostApplicationBuilder builder, string name, System.Action<Aspire.StackExchange.Redis.StackExchangeRedisSettings>? configureSettings = null, System.Action<global::StackExchange.Redis.ConfigurationOptions>? configureOptions = null) { }

        public static Aspire.StackExchange.Redis.AspireRedisClientBuilder AddKeyedRedisClientBuilder(this IHostApplicationBuilder builder, string name, System.Action<Aspire.StackExchange.Redis.StackExchangeRedisSettings>? configureSettings = null, System.Action<global::StackExchange.Redis.ConfigurationOptions>? configureOptions = null) => throw null!;

        public static void AddRedisClient(this IHostApplicationBuilder builder, string connectionName, System.Action<Aspire.StackExchange.Redis.StackExchangeRedisSettings>? configureSettings = null, System.Action<global::StackExchange.Redis.ConfigurationOptions>? configureOptions = null) { }

        public static Aspire.StackExchange.Redis.AspireRedisClientBuilder AddRedisClientBuilder(this IHostApplicationBuilder builder, string connectionName, System.Action<Aspire.StackExchange.Redis.StackExchangeRedisSettings>? configureSettings = null, System.Action<global::StackExchange.Redis.ConfigurationOptions>? configureOptions = null) => throw null!;
    }
}

// Facade of NuGet package StackExchange.Redis 2.13.1, assembly StackExchange.Redis.
// Read from StackExchange/StackExchange.Redis tag 2.13.1: src/StackExchange.Redis/ConfigurationOptions.cs,
// Interfaces/IConnectionMultiplexer.cs, Interfaces/IDatabase.cs, Interfaces/IDatabaseAsync.cs,
// Interfaces/IRedis.cs, Interfaces/IRedisAsync.cs.
// Only the members RedBook's online ring uses (the interfaces are declared without their many
// commands until a command is used); bodies throw. Never referenced by shipped projects.
#nullable enable
using System;

namespace StackExchange.Redis
{
    public sealed class ConfigurationOptions : ICloneable
    {
        public ConfigurationOptions() { }

        public bool AbortOnConnectFail { get => throw null!; set { } }

        public string? ClientName { get; set; }

        public int ConnectTimeout { get => throw null!; set { } }

        public int? DefaultDatabase { get; set; }

        public string? Password { get => throw null!; set { } }

        public static ConfigurationOptions Parse(string configuration) => throw null!;

        public static ConfigurationOptions Parse(string configuration, bool ignoreUnknown) => throw null!;

        public ConfigurationOptions Clone() => throw null!;

        object ICloneable.Clone() => throw null!;
    }

    public interface IConnectionMultiplexer : IDisposable, IAsyncDisposable
    {
        bool IsConnected { get; }

        IDatabase GetDatabase(int db = -1, object? asyncState = null);
    }

    public partial interface IDatabase : IRedis, IDatabaseAsync
    {
    }

    public partial interface IDatabaseAsync : IRedisAsync
    {
    }

    public partial interface IRedis : IRedisAsync
    {
    }

    public partial interface IRedisAsync
    {
    }
}

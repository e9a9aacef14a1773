namespace RedBook.FunctionalTests.Etcd;

/// <summary>One etcd shared by the suites of the <see cref="EtcdCollection"/> (tests use distinct keys).</summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    public EtcdProcess Etcd { get; } = new();

    public Task InitializeAsync() => Etcd.StartAsync();

    public Task DisposeAsync() => Etcd.DisposeAsync().AsTask();
}

/// <summary>A dedicated etcd for the tests that stop and restart it.</summary>
public sealed class EtcdOutageFixture : IAsyncLifetime
{
    public EtcdProcess Etcd { get; } = new();

    public Task InitializeAsync() => Etcd.StartAsync();

    public Task DisposeAsync() => Etcd.DisposeAsync().AsTask();
}

[CollectionDefinition(Name)]
public sealed class EtcdCollection : ICollectionFixture<EtcdFixture>
{
    public const string Name = "etcd";
}

[CollectionDefinition(Name)]
public sealed class EtcdOutageCollection : ICollectionFixture<EtcdOutageFixture>
{
    public const string Name = "etcd-outage";
}

using RedBook.ServiceDefaults.Etcd.Client;
using RedBook.ServiceDefaults.Etcd.Configuration;
using RedBook.ServiceDefaults.Tests.Etcd.Client;
using RedBook.Testing;

namespace RedBook.ServiceDefaults.Tests.Etcd.Configuration;

public sealed class EtcdConfigurationProviderTests : IDisposable
{
    private readonly TrackingFakeTimeProvider _time = new();
    private readonly FakeEtcdHandler _handler = new();
    private readonly EtcdConfigurationProvider _provider;

    public EtcdConfigurationProviderTests()
    {
        var options = new EtcdConfigurationOptions { AppName = "feed", TimeProvider = _time, RequestTimeout = Timeout.InfiniteTimeSpan, RetryBackoffInitial = TimeSpan.FromSeconds(1), RetryBackoffMax = TimeSpan.FromSeconds(1) };
        options.Endpoints.Add("http://etcd-a:2379");
        var client = new EtcdClient(() => options, _time, handler: _handler, jitter: static () => 1.0);
        _provider = new EtcdConfigurationProvider(options, client);
    }

    public void Dispose()
    {
        _provider.Dispose();
        _handler.Dispose();
    }

    private static string Kv(string key, string value, long revision = 5) =>
        $"{{\"key\":\"{FakeEtcdHandler.B64(key)}\",\"value\":\"{FakeEtcdHandler.B64(value)}\",\"mod_revision\":\"{revision}\"}}";

    private void ScriptLoad(long revision, string[] global, string[] app) =>
        _handler.OnJson("/v3/kv/txn", $"{{\"header\":{{\"revision\":\"{revision}\"}},\"succeeded\":true,\"responses\":[{{\"response_range\":{{\"kvs\":[{string.Join(',', global)}]}}}},{{\"response_range\":{{\"kvs\":[{string.Join(',', app)}]}}}}]}}");

    private void ScriptWatch(params string[] events) =>
        _handler.OnJson("/v3/watch", "{\"result\":{\"header\":{\"revision\":\"10\"},\"created\":true}}\n" + string.Concat(events.Select(e => $"{{\"result\":{{\"header\":{{\"revision\":\"10\"}},\"events\":[{e}]}}}}\n")));

    private string? Get(string key) => _provider.TryGet(key, out var value) ? value : null;

    private async Task WaitForRevisionAsync(long revision)
    {
        // The scripted watch stream ends after its last event; only then does the watcher arm its 1 s reconnect backoff
        // on the fake clock. That timer is the explicit signal that every event was applied (the limit only stops a
        // hang); the watch's 5-minute idle timer, armed while it reads, does not count.
        await _time.WhenActiveTimersAsync(1, dueWithin: TimeSpan.FromSeconds(1)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(revision, _provider.Revision);
    }

    [Fact]
    public void Load_AppAndGlobalKeys_MapsSlashesToColonsAndTheAppWins()
    {
        ScriptLoad(
            10,
            [Kv("/redbook/config/_global/RedBook/Breaker/K", "2"), Kv("/redbook/config/_global/Shared", "g")],
            [Kv("/redbook/config/feed/RedBook/Breaker/K", "1.5"), Kv("/redbook/config/feed/Bad//Key", "x")]);

        _provider.Load();

        Assert.Equal(("1.5", "g", null), (Get("RedBook:Breaker:K"), Get("shared"), Get("Bad::Key")));
        Assert.True(_provider.IsLoaded);
        Assert.Equal(10, _provider.Revision);
        Assert.Contains(_handler.Requests, r => r.Path == "/v3/kv/txn" && r.Body.Contains(FakeEtcdHandler.B64("/redbook/config/feed/"), StringComparison.Ordinal));
    }

    [Fact]
    public void Load_EtcdUnreachable_LeavesTheDataEmptyWithoutThrowing()
    {
        _provider.Load();

        Assert.False(_provider.IsLoaded);
        Assert.Null(Get("RedBook:Breaker:K"));
    }

    [Fact]
    public async Task Watch_ChangeThatFailsValidation_IsRolledBackAndLaterChangesApply()
    {
        ScriptLoad(10, [], [Kv("/redbook/config/feed/Count", "5")]);
        ScriptWatch(
            "{\"kv\":" + Kv("/redbook/config/feed/Count", "bad", 11) + "}",
            "{\"kv\":" + Kv("/redbook/config/feed/Label", "ok", 12) + "}",
            "{\"kv\":{\"key\":\"" + FakeEtcdHandler.B64("/redbook/config/feed/Count") + "\",\"value\":\"wyg=\",\"mod_revision\":\"13\"}}", // bytes C3 28: not UTF-8
            "{\"type\":\"DELETE\",\"kv\":{\"key\":\"" + FakeEtcdHandler.B64("/redbook/config/feed/Label") + "\",\"mod_revision\":\"14\"}}");
        var seenCounts = new List<string?>();
        Microsoft.Extensions.Primitives.ChangeToken.OnChange(_provider.GetReloadToken, () => seenCounts.Add(Get("Count")));
        _provider.Load();
        _provider.AttachValidator(new CountMustBeNumeric(this));

        await WaitForRevisionAsync(14);

        Assert.Equal("5", Get("Count"));
        Assert.Null(Get("Label"));
        Assert.Equal(["5", "5"], seenCounts); // Label added, Label deleted; "bad" and the non-UTF-8 value were never visible to a reader
    }

    [Fact]
    public void AttachValidator_BadValueAlreadyLoaded_DropsOnlyThatKey()
    {
        ScriptLoad(10, [Kv("/redbook/config/_global/Count", "7")], [Kv("/redbook/config/feed/Count", "bad"), Kv("/redbook/config/feed/Label", "kept")]);
        _provider.Load();

        _provider.AttachValidator(new CountMustBeNumeric(this));

        Assert.Equal(("7", "kept"), (Get("Count"), Get("Label")));
    }

    private sealed class CountMustBeNumeric(EtcdConfigurationProviderTests owner) : IEtcdConfigurationValidator
    {
        public IReadOnlyDictionary<string, string> Validate() =>
            owner.Get("Count") is { } count && !count.All(char.IsAsciiDigit)
                ? new Dictionary<string, string> { ["Knobs"] = $"'{count}' is not a number" }
                : new Dictionary<string, string>();
    }
}

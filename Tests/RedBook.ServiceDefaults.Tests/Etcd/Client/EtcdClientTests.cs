using System.Net;
using System.Text;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Etcd;
using RedBook.ServiceDefaults.Etcd.Client;
using RedBook.Testing;

namespace RedBook.ServiceDefaults.Tests.Etcd.Client;

public sealed class EtcdClientTests : IDisposable
{
    private const string Header = "\"header\":{\"revision\":\"9\"}";
    private readonly TrackingFakeTimeProvider _time = new();
    private readonly FakeEtcdHandler _handler = new();

    public void Dispose() => _handler.Dispose();

    private EtcdClient CreateClient(params string[] endpoints) => CreateClient(null, endpoints);

    private EtcdClient CreateClient(Action<EtcdOptions>? configure, params string[] endpoints)
    {
        // No request timeout: its timers would be indistinguishable from the loop's own delay in ActiveTimers.
        var options = new EtcdOptions { RetryBackoffInitial = TimeSpan.Zero, RetryBackoffMax = TimeSpan.Zero, RequestTimeout = Timeout.InfiniteTimeSpan };
        foreach (var endpoint in endpoints.Length == 0 ? ["http://etcd-a:2379"] : endpoints)
        {
            options.Endpoints.Add(endpoint);
        }

        configure?.Invoke(options);
        return new EtcdClient(() => options, _time, handler: _handler, jitter: static () => 1.0);
    }

    [Fact]
    public async Task RangeAsync_Prefix_SendsBase64KeyAndRangeEndAndDecodesTheAnswer()
    {
        _handler.OnJson("/v3/kv/range", $"{{{Header},\"kvs\":[{{\"key\":\"{FakeEtcdHandler.B64("/p/a")}\",\"value\":\"{FakeEtcdHandler.B64("v")}\",\"mod_revision\":\"7\",\"create_revision\":\"3\",\"version\":\"2\",\"lease\":\"11\"}}],\"count\":\"1\"}}");
        using var client = CreateClient();

        var result = await client.RangeAsync("/p/", prefix: true, CancellationToken.None);

        var request = Assert.Single(_handler.Requests);
        Assert.Equal($"{{\"key\":\"{FakeEtcdHandler.B64("/p/")}\",\"range_end\":\"{FakeEtcdHandler.B64("/p0")}\"}}", request.Body);
        var kv = Assert.Single(result.Kvs);
        Assert.Equal(("/p/a", "v", 7L, 3L, 2L, 11L), (kv.Key, Encoding.UTF8.GetString(kv.Value), kv.ModRevision, kv.CreateRevision, kv.Version, kv.Lease));
        Assert.Equal(9, result.Revision);
    }

    [Fact]
    public async Task PutAsync_GatewayRejectsTheRequest_ThrowsInvalidArgumentWithEtcdsMessage()
    {
        _handler.OnJson("/v3/kv/put", "{\"error\":\"etcdserver: key is not provided\",\"message\":\"etcdserver: key is not provided\",\"code\":3}", HttpStatusCode.BadRequest);
        using var client = CreateClient();

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.PutAsync("/k", [1], 0, CancellationToken.None));

        Assert.Equal(ErrorCode.InvalidArgument, ex.Error.Code);
        Assert.Equal(EtcdReasons.InvalidArgument, ex.Error.Reason);
        Assert.Contains("key is not provided", ex.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantLeaseAsync_TtlBelowOneSecond_ThrowsInvalidArgumentWithoutCallingEtcd()
    {
        using var client = CreateClient();

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.GrantLeaseAsync(TimeSpan.FromMilliseconds(500), CancellationToken.None));

        Assert.Equal(ErrorCode.InvalidArgument, ex.Error.Code);
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task RangeAsync_EndpointIsNotAUrl_ThrowsInvalidArgument()
    {
        using var client = CreateClient("etcd:2379");

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.RangeAsync("/k", false, CancellationToken.None));

        Assert.Equal(ErrorCode.InvalidArgument, ex.Error.Code);
        Assert.Contains("etcd:2379", ex.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RangeAsync_FirstEndpointRefuses_FailsOverAndStaysOnTheSecond()
    {
        _handler.OnJson("/v3/kv/range", $"{{{Header}}}").OnJson("/v3/kv/range", $"{{{Header}}}");
        using var client = CreateClient("http://etcd-a:1", "https://etcd-b:2379");

        await client.RangeAsync("/k", false, CancellationToken.None);
        await client.RangeAsync("/k", false, CancellationToken.None);

        Assert.Equal(["etcd-a:1", "etcd-b:2379", "etcd-b:2379"], _handler.Requests.Select(r => r.Host).ToArray());
        Assert.Equal(new Uri("https://etcd-b:2379"), client.CurrentEndpoint);
    }

    [Fact]
    public async Task RangeAsync_EveryEndpointDown_ThrowsUnavailableNamingThem()
    {
        using var client = CreateClient("http://etcd-a:1", "http://etcd-b:1");

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.RangeAsync("/k", false, CancellationToken.None));

        Assert.Equal(ErrorCode.Unavailable, ex.Error.Code);
        Assert.Equal(EtcdReasons.Unavailable, ex.Error.Reason);
        Assert.Contains("etcd-b", ex.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RangeAsync_TokenExpired_AuthenticatesAgainAndRetriesOnce()
    {
        _handler
            .OnJson("/v3/auth/authenticate", $"{{{Header},\"token\":\"t1\"}}")
            .OnJson("/v3/kv/range", $"{{{Header}}}")
            .OnJson("/v3/kv/range", "{\"error\":\"etcdserver: invalid auth token\",\"message\":\"etcdserver: invalid auth token\",\"code\":16}", HttpStatusCode.Unauthorized)
            .OnJson("/v3/auth/authenticate", $"{{{Header},\"token\":\"t2\"}}")
            .OnJson("/v3/kv/range", $"{{{Header}}}");
        using var client = CreateClient(o => (o.Username, o.Password) = ("root", "pw"));

        await client.RangeAsync("/k", false, CancellationToken.None);
        await client.RangeAsync("/k", false, CancellationToken.None);

        Assert.Equal(
            [("/v3/auth/authenticate", null), ("/v3/kv/range", "t1"), ("/v3/kv/range", "t1"), ("/v3/auth/authenticate", null), ("/v3/kv/range", "t2")],
            _handler.Requests.Select(r => (r.Path, r.Authorization)).ToArray());
        Assert.Contains("\"name\":\"root\"", _handler.Requests.First().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RangeAsync_WrongPassword_ThrowsUnauthenticated()
    {
        _handler.OnJson("/v3/auth/authenticate", "{\"error\":\"etcdserver: authentication failed, invalid user ID or password\",\"message\":\"etcdserver: authentication failed, invalid user ID or password\",\"code\":3}", HttpStatusCode.BadRequest);
        using var client = CreateClient(o => (o.Username, o.Password) = ("root", "bad"));

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.RangeAsync("/k", false, CancellationToken.None));

        Assert.Equal(ErrorCode.Unauthenticated, ex.Error.Code);
        Assert.Equal(EtcdReasons.AuthFailed, ex.Error.Reason);
    }

    [Fact]
    public async Task KeepAliveOnceAsync_LeaseUnknown_ReturnsZero()
    {
        _handler.OnJson("/v3/lease/keepalive", $"{{\"result\":{{{Header},\"ID\":\"42\"}}}}\n");
        using var client = CreateClient();

        var ttl = await client.KeepAliveOnceAsync(42, CancellationToken.None);

        Assert.Equal(TimeSpan.Zero, ttl);
        Assert.Equal("{\"ID\":\"42\"}", Assert.Single(_handler.Requests).Body);
    }

    [Fact]
    public async Task KeepAliveLoopAsync_EtcdUnreachableForAWholeTtl_ReturnsAsLost()
    {
        using var client = CreateClient(o => (o.RetryBackoffInitial, o.RetryBackoffMax) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), "http://etcd-a:1");
        using var cts = new CancellationTokenSource();
        var loop = client.KeepAliveLoopAsync(42, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), cts.Token);

        for (var i = 1; i <= 3; i++)
        {
            await Signalled(_time.WhenActiveTimersAsync(1)); // the loop has armed its (backoff) delay
            _time.Advance(TimeSpan.FromSeconds(1));
            await Signalled(_handler.WhenRequestsAsync("/v3/lease/keepalive", i)); // ...and the delay led to exactly one more attempt
            Assert.Equal(i, _handler.Requests.Count);
        }

        await loop.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, _handler.Requests.Count);
    }

    [Fact]
    public async Task KeepAliveLoopAsync_LeaseAlive_RenewsEveryInterval()
    {
        for (var i = 0; i < 3; i++)
        {
            _handler.OnJson("/v3/lease/keepalive", $"{{\"result\":{{{Header},\"ID\":\"42\",\"TTL\":\"10\"}}}}\n");
        }

        _handler.OnJson("/v3/lease/keepalive", $"{{\"result\":{{{Header},\"ID\":\"42\"}}}}\n");
        using var client = CreateClient();
        var loop = client.KeepAliveLoopAsync(42, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), CancellationToken.None);

        for (var i = 1; i <= 4; i++)
        {
            await Signalled(_time.WhenActiveTimersAsync(1)); // the loop has armed its interval delay
            _time.Advance(TimeSpan.FromSeconds(3));
            await Signalled(_handler.WhenRequestsAsync("/v3/lease/keepalive", i)); // ...and the delay led to exactly one renewal
            Assert.Equal(i, _handler.Requests.Count);
        }

        await loop.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(4, _handler.Requests.Count);
    }

    /// <summary>Awaits an explicit signal from the fake clock or handler; the limit only turns a bug into a failure instead of a hang.</summary>
    private static Task Signalled(Task signal) => signal.WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task WatchAsync_StreamSilentForTheIdleTimeout_ReopensAtTheSameRevision()
    {
        // Unscripted, the fake's watch stream stays open and sends nothing: a hung stream.
        using var client = CreateClient(o => (o.WatchIdleTimeout, o.RetryBackoffInitial, o.RetryBackoffMax) = (TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        using var cts = new CancellationTokenSource();
        await using var watch = client.WatchAsync("/p/", prefix: true, 7, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = watch.MoveNextAsync();

        await Signalled(_handler.WhenRequestsAsync("/v3/watch", 1));
        await Signalled(_time.WhenActiveTimersAsync(1)); // the idle timer, armed for the read
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Single(_handler.Requests); // still waiting: a minute has not passed

        _time.Advance(TimeSpan.FromSeconds(1)); // silent for the whole idle timeout: the session is dropped
        await Signalled(_time.WhenActiveTimersAsync(1, dueWithin: TimeSpan.FromSeconds(1))); // the reconnect backoff
        _time.Advance(TimeSpan.FromSeconds(1));
        await Signalled(_handler.WhenRequestsAsync("/v3/watch", 2));

        Assert.All(_handler.Requests, r => Assert.Contains("\"start_revision\":\"7\",\"progress_notify\":true", r.Body, StringComparison.Ordinal));
        Assert.False(next.IsCompleted); // nothing was lost or made up: the watcher is waiting on the new stream
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await next);
    }

    [Fact]
    public async Task WatchAsync_StreamEnds_ReconnectsFromTheRevisionAfterTheLastEvent()
    {
        var created = $"{{\"result\":{{{Header},\"created\":true}}}}\n";
        _handler
            .OnJson("/v3/watch", created + Event(5, "/p/a", "1") + Event(6, "/p/b", "2"))
            .OnJson("/v3/watch", created + $"{{\"result\":{{{Header},\"events\":[{{\"type\":\"DELETE\",\"kv\":{{\"key\":\"{FakeEtcdHandler.B64("/p/a")}\",\"mod_revision\":\"7\"}}}}]}}}}\n");
        using var client = CreateClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a safety limit against a runaway loop
        var seen = new List<(EtcdEventType, string?, long)>();

        await foreach (var update in client.WatchAsync("/p/", prefix: true, 5, cts.Token))
        {
            seen.AddRange(update.Events.Select(e => (e.Type, e.Kv.Key, e.Kv.ModRevision)));
            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([(EtcdEventType.Put, "/p/a", 5L), (EtcdEventType.Put, "/p/b", 6L), (EtcdEventType.Delete, "/p/a", 7L)], seen);
        var starts = _handler.Requests.Where(r => r.Path == "/v3/watch").Select(r => r.Body).ToArray();
        Assert.Contains("\"start_revision\":\"5\"", starts[0], StringComparison.Ordinal);
        Assert.Contains("\"start_revision\":\"7\"", starts[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_HistoryCompacted_ReReadsTheRangeAndYieldsASnapshot()
    {
        _handler
            .OnJson("/v3/watch", $"{{\"result\":{{{Header},\"created\":true}}}}\n{{\"result\":{{\"header\":{{}},\"canceled\":true,\"compact_revision\":\"8\"}}}}\n")
            .OnJson("/v3/kv/range", $"{{\"header\":{{\"revision\":\"12\"}},\"kvs\":[{{\"key\":\"{FakeEtcdHandler.B64("/p/a")}\",\"value\":\"{FakeEtcdHandler.B64("x")}\",\"mod_revision\":\"10\"}}]}}")
            .OnJson("/v3/watch", "{\"result\":{\"header\":{\"revision\":\"12\"},\"created\":true}}\n" + Event(13, "/p/c", "3"));
        using var client = CreateClient();
        var updates = new List<EtcdWatchUpdate>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a safety limit against a runaway loop

        await foreach (var update in client.WatchAsync("/p/", prefix: true, 2, limit.Token))
        {
            updates.Add(update);
            if (updates.Count == 2)
            {
                break;
            }
        }

        Assert.True(updates[0].IsSnapshot);
        Assert.Equal(12, updates[0].Revision);
        Assert.Equal("/p/a", Assert.Single(updates[0].Snapshot!).Key);
        Assert.Equal(13, Assert.Single(updates[1].Events).Kv.ModRevision);
        Assert.Contains("\"start_revision\":\"13\"", _handler.Requests.Where(r => r.Path == "/v3/watch").Last().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_EtcdCameBackWithAnOlderStore_ReReadsInsteadOfWaitingForTheOldRevision()
    {
        _handler
            .OnJson("/v3/watch", "{\"result\":{\"header\":{\"revision\":\"29\"},\"created\":true}}\n" + Event(30, "/p/a", "1"))
            .OnJson("/v3/watch", "{\"result\":{\"header\":{\"revision\":\"2\"},\"created\":true}}\n")
            .OnJson("/v3/kv/range", $"{{\"header\":{{\"revision\":\"2\"}},\"kvs\":[{{\"key\":\"{FakeEtcdHandler.B64("/p/z")}\",\"value\":\"{FakeEtcdHandler.B64("new")}\",\"mod_revision\":\"2\"}}]}}")
            .OnJson("/v3/watch", $"{{\"result\":{{\"header\":{{\"revision\":\"2\"}},\"created\":true}}}}\n" + Event(3, "/p/y", "later"));
        using var client = CreateClient();
        var updates = new List<EtcdWatchUpdate>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a safety limit against a runaway loop

        await foreach (var update in client.WatchAsync("/p/", prefix: true, 30, limit.Token))
        {
            updates.Add(update);
            if (updates.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(30, Assert.Single(updates[0].Events).Kv.ModRevision);
        Assert.Equal("/p/z", Assert.Single(updates[1].Snapshot!).Key);
        Assert.Equal(3, Assert.Single(updates[2].Events).Kv.ModRevision);
        Assert.Equal(["\"start_revision\":\"30\",\"progress_notify\":true", "\"start_revision\":\"31\",\"progress_notify\":true", "\"start_revision\":\"3\",\"progress_notify\":true"], _handler.Requests.Where(r => r.Path == "/v3/watch").Select(r => r.Body[r.Body.IndexOf("\"start_revision\"", StringComparison.Ordinal)..^2]).ToArray());
    }

    private static string Event(long revision, string key, string value) =>
        $"{{\"result\":{{{Header},\"events\":[{{\"kv\":{{\"key\":\"{FakeEtcdHandler.B64(key)}\",\"value\":\"{FakeEtcdHandler.B64(value)}\",\"mod_revision\":\"{revision}\"}}}}]}}}}\n";
}

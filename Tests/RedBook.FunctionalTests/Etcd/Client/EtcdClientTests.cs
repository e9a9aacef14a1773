using System.Text;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Etcd;
using RedBook.ServiceDefaults.Etcd.Client;

namespace RedBook.FunctionalTests.Etcd.Client;

[Collection(EtcdCollection.Name)]
public sealed class EtcdClientTests(EtcdFixture fixture)
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Prefix() => $"/test/client/{Guid.NewGuid():N}/";

    [Fact]
    public async Task PutAsync_ThenRangeAsync_ReadsTheValueBack()
    {
        using var client = fixture.Etcd.CreateClient();
        var key = Prefix() + "a";

        var revision = await client.PutAsync(key, Utf8("hello"), 0, s_none);
        var result = await client.RangeAsync(key, prefix: false, s_none);

        var kv = Assert.Single(result.Kvs);
        Assert.Equal(key, kv.Key);
        Assert.Equal("hello", Encoding.UTF8.GetString(kv.Value));
        Assert.Equal(revision, kv.ModRevision);
        Assert.True(result.Revision >= revision);
    }

    [Fact]
    public async Task RangeAsync_Prefix_ReturnsOnlyKeysUnderThePrefix()
    {
        using var client = fixture.Etcd.CreateClient();
        var prefix = Prefix();
        await client.PutAsync(prefix + "x", Utf8("1"), 0, s_none);
        await client.PutAsync(prefix + "y/z", Utf8("2"), 0, s_none);
        await client.PutAsync(prefix.TrimEnd('/') + "0", Utf8("outside"), 0, s_none);

        var result = await client.RangeAsync(prefix, prefix: true, s_none);

        Assert.Equal([prefix + "x", prefix + "y/z"], result.Kvs.Select(k => k.Key!).Order().ToArray());
    }

    [Fact]
    public async Task DeleteAsync_Prefix_RemovesEveryKeyUnderIt()
    {
        using var client = fixture.Etcd.CreateClient();
        var prefix = Prefix();
        await client.PutAsync(prefix + "a", Utf8("1"), 0, s_none);
        await client.PutAsync(prefix + "b", Utf8("2"), 0, s_none);

        var deleted = await client.DeleteAsync(prefix, prefix: true, s_none);

        Assert.Equal(2, deleted);
        Assert.Empty((await client.RangeAsync(prefix, prefix: true, s_none)).Kvs);
    }

    [Fact]
    public async Task CompareAndSwapAsync_ExpectedRevision_WritesOnceAndReportsTheWinner()
    {
        using var client = fixture.Etcd.CreateClient();
        var key = Prefix() + "cas";

        var created = await client.CompareAndSwapAsync(key, 0, Utf8("first"), 0, s_none);
        var again = await client.CompareAndSwapAsync(key, 0, Utf8("second"), 0, s_none);

        Assert.True(created.Succeeded);
        Assert.False(again.Succeeded);
        Assert.Equal("first", Encoding.UTF8.GetString(again.Current!.Value));
        var swapped = await client.CompareAndSwapAsync(key, again.Current.ModRevision, Utf8("third"), 0, s_none);
        Assert.True(swapped.Succeeded);
        Assert.Equal("third", Encoding.UTF8.GetString(Assert.Single((await client.RangeAsync(key, false, s_none)).Kvs).Value));
    }

    [Fact]
    public async Task RevokeLeaseAsync_KeyOnLease_DeletesTheKey()
    {
        using var client = fixture.Etcd.CreateClient();
        var key = Prefix() + "leased";
        var lease = await client.GrantLeaseAsync(TimeSpan.FromSeconds(30), s_none);
        await client.PutAsync(key, Utf8("v"), lease.Id, s_none);

        Assert.Equal(TimeSpan.FromSeconds(30), lease.Ttl);
        Assert.True(await client.KeepAliveOnceAsync(lease.Id, s_none) > TimeSpan.Zero);
        Assert.True(await client.RevokeLeaseAsync(lease.Id, s_none));

        Assert.Empty((await client.RangeAsync(key, false, s_none)).Kvs);
        Assert.Equal(TimeSpan.Zero, await client.KeepAliveOnceAsync(lease.Id, s_none));
        Assert.False(await client.RevokeLeaseAsync(lease.Id, s_none));
    }

    [Fact]
    public async Task KeepAliveLoopAsync_LeaseRevokedElsewhere_Returns()
    {
        using var client = fixture.Etcd.CreateClient();
        var lease = await client.GrantLeaseAsync(TimeSpan.FromSeconds(3), s_none);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var loop = client.KeepAliveLoopAsync(lease.Id, lease.Ttl, TimeSpan.FromMilliseconds(100), cts.Token);

        await client.RevokeLeaseAsync(lease.Id, s_none);

        await loop.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(loop.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task KeepAliveLoopAsync_LeaseAtEtcdsLongestTtl_WaitsInsteadOfThrowing()
    {
        // etcd grants TTLs up to 9,000,000,000 s (285 years); a third of that is far past what a timer holds.
        using var client = fixture.Etcd.CreateClient();
        var lease = await client.GrantLeaseAsync(TimeSpan.FromSeconds(9_000_000_000), s_none);
        try
        {
            Assert.Equal(TimeSpan.FromSeconds(9_000_000_000), lease.Ttl);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

            var loop = client.KeepAliveLoopAsync(lease.Id, lease.Ttl, lease.Ttl / 3, cts.Token);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await client.RevokeLeaseAsync(lease.Id, s_none);
        }
    }

    [Fact]
    public async Task Calls_TimeoutsLongerThanATimerHolds_WorkAsUsual()
    {
        // Options built in code skip validation: the request and watch-idle timers still get no more than they hold.
        using var client = fixture.Etcd.CreateClient(configure: o =>
        {
            o.RequestTimeout = TimeSpan.FromDays(100);
            o.WatchIdleTimeout = TimeSpan.FromDays(100);
        });
        var key = Prefix() + "k";
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = client.WatchAsync(key, prefix: false, 0, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = watch.MoveNextAsync().AsTask();

        await client.PutAsync(key, Utf8("v"), 0, s_none);
        var read = await client.RangeAsync(key, prefix: false, s_none);

        Assert.Equal("v", Encoding.UTF8.GetString(Assert.Single(read.Kvs).Value));
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(key, watch.Current.Events.Single().Kv.Key);
    }

    [Fact]
    public async Task WatchAsync_PutAndDelete_YieldsEventsInOrder()
    {
        using var client = fixture.Etcd.CreateClient();
        var prefix = Prefix();
        var start = await client.PutAsync(prefix + "before", Utf8("0"), 0, s_none);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<(EtcdEventType, string?, long)>();
        await using var watch = client.WatchAsync(prefix, prefix: true, start + 1, cts.Token).GetAsyncEnumerator(cts.Token);

        var put = await client.PutAsync(prefix + "k", Utf8("1"), 0, s_none);
        var delete = await client.PutAsync(prefix + "k2", Utf8("2"), 0, s_none);
        await client.DeleteAsync(prefix + "k", false, s_none);
        while (seen.Count < 3 && await watch.MoveNextAsync())
        {
            seen.AddRange(watch.Current.Events.Select(e => (e.Type, e.Kv.Key, e.Kv.ModRevision)));
        }

        Assert.Equal(
            [(EtcdEventType.Put, prefix + "k", put), (EtcdEventType.Put, prefix + "k2", delete), (EtcdEventType.Delete, prefix + "k", delete + 1)],
            seen);
    }

    [Fact]
    public async Task WatchAsync_StartRevisionCompacted_YieldsSnapshotThenEvents()
    {
        using var client = fixture.Etcd.CreateClient();
        var prefix = Prefix();
        var first = await client.PutAsync(prefix + "a", Utf8("1"), 0, s_none);
        var second = await client.PutAsync(prefix + "a", Utf8("2"), 0, s_none);
        await fixture.Etcd.CompactAsync(second);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = client.WatchAsync(prefix, prefix: true, first, cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await watch.MoveNextAsync());
        var snapshot = watch.Current;
        var third = await client.PutAsync(prefix + "a", Utf8("3"), 0, s_none);
        Assert.True(await watch.MoveNextAsync());

        Assert.True(snapshot.IsSnapshot);
        Assert.Equal("2", Encoding.UTF8.GetString(Assert.Single(snapshot.Snapshot!).Value));
        Assert.Equal(third, Assert.Single(watch.Current.Events).Kv.ModRevision);
    }

    [Fact]
    public async Task WatchAsync_StreamHangsWithoutClosing_ReopensAfterTheIdleTimeoutAndMissesNothing()
    {
        await using var proxy = new FreezableProxy(new Uri(fixture.Etcd.Endpoint));
        var options = new EtcdOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(1),
            WatchIdleTimeout = TimeSpan.FromSeconds(1),
            RetryBackoffInitial = TimeSpan.FromMilliseconds(50),
            RetryBackoffMax = TimeSpan.FromMilliseconds(200),
        };
        options.Endpoints.Add(proxy.Endpoint); // the watch starts here
        options.Endpoints.Add(fixture.Etcd.Endpoint);
        using var logs = new CapturingLoggerProvider();
        using var watcher = new EtcdClient(() => options, TimeProvider.System, logs.CreateLogger("etcd"));
        using var writer = fixture.Etcd.CreateClient();
        var prefix = Prefix();
        var start = await writer.PutAsync(prefix + "before", Utf8("0"), 0, s_none);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var watch = watcher.WatchAsync(prefix, prefix: true, start + 1, cts.Token).GetAsyncEnumerator(cts.Token);

        var first = await writer.PutAsync(prefix + "a", Utf8("1"), 0, s_none);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(first, Assert.Single(watch.Current.Events).Kv.ModRevision);

        proxy.Freeze(); // the open stream now hangs: no bytes, no close
        var second = await writer.PutAsync(prefix + "b", Utf8("2"), 0, s_none);
        var third = await writer.PutAsync(prefix + "c", Utf8("3"), 0, s_none);
        var seen = new List<long>();
        while (seen.Count < 2 && await watch.MoveNextAsync())
        {
            seen.AddRange(watch.Current.Events.Select(e => e.Kv.ModRevision));
        }

        Assert.Equal([second, third], seen);
        Assert.True(logs.Contains(Microsoft.Extensions.Logging.LogLevel.Information, "received nothing for"), string.Join(Environment.NewLine, logs.Entries));
        Assert.Equal(new Uri(fixture.Etcd.Endpoint), watcher.CurrentEndpoint); // the frozen proxy's re-open timed out
    }

    [Fact]
    public async Task WatchAsync_ReopenedStreamHangsToo_ReopensAgainOnceTheEndpointRecovers()
    {
        await using var proxy = new FreezableProxy(new Uri(fixture.Etcd.Endpoint));
        var options = new EtcdOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(1),
            WatchIdleTimeout = TimeSpan.FromSeconds(1),
            RetryBackoffInitial = TimeSpan.FromMilliseconds(50),
            RetryBackoffMax = TimeSpan.FromMilliseconds(200),
        };
        options.Endpoints.Add(proxy.Endpoint); // the only endpoint
        using var watcher = new EtcdClient(() => options, TimeProvider.System);
        using var writer = fixture.Etcd.CreateClient();
        var prefix = Prefix();
        var start = await writer.PutAsync(prefix + "before", Utf8("0"), 0, s_none);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var watch = watcher.WatchAsync(prefix, prefix: true, start + 1, cts.Token).GetAsyncEnumerator(cts.Token);
        var first = await writer.PutAsync(prefix + "a", Utf8("1"), 0, s_none);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(first, Assert.Single(watch.Current.Events).Kv.ModRevision);
        var accepted = proxy.Accepted;

        proxy.Freeze(); // the open stream now hangs: no bytes, no close
        var next = watch.MoveNextAsync().AsTask();
        await Poll.UntilAsync(() => proxy.Accepted > accepted, "the watch re-opens while the proxy is frozen");
        proxy.Thaw(); // new connections through the proxy work again
        var second = await writer.PutAsync(prefix + "b", Utf8("2"), 0, s_none);

        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(second, Assert.Single(watch.Current.Events).Kv.ModRevision);
    }

    [Fact]
    public async Task RangeAsync_FirstEndpointDown_FailsOverToTheNext()
    {
        var options = new EtcdOptions { RequestTimeout = TimeSpan.FromSeconds(5) };
        options.Endpoints.Add("http://127.0.0.1:1");
        options.Endpoints.Add(fixture.Etcd.Endpoint);
        using var client = new EtcdClient(() => options, TimeProvider.System);
        var key = Prefix() + "f";

        await client.PutAsync(key, Utf8("v"), 0, s_none);

        Assert.Single((await client.RangeAsync(key, false, s_none)).Kvs);
        Assert.Equal(new Uri(fixture.Etcd.Endpoint), client.CurrentEndpoint);
    }

    [Fact]
    public async Task RangeAsync_NoEndpointAnswers_ThrowsUnavailable()
    {
        var options = new EtcdOptions();
        options.Endpoints.Add("http://127.0.0.1:1");
        using var client = new EtcdClient(() => options, TimeProvider.System);

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.RangeAsync("/x", false, s_none));

        Assert.Equal(ErrorCode.Unavailable, ex.Error.Code);
        Assert.Equal("REDBOOK_ETCD_UNAVAILABLE", ex.Error.Reason);
    }

    [Fact]
    public async Task PutAsync_EmptyKey_ThrowsInvalidArgument()
    {
        using var client = fixture.Etcd.CreateClient();

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.PutAsync(string.Empty, [], 0, s_none));

        Assert.Equal(ErrorCode.InvalidArgument, ex.Error.Code);
    }

    [Fact]
    public async Task PutAsync_UnknownLease_ThrowsEtcdsNotFound()
    {
        using var client = fixture.Etcd.CreateClient();

        var ex = await Assert.ThrowsAsync<RedBookException>(() => client.PutAsync(Prefix() + "l", Utf8("v"), 424242, s_none));

        Assert.Equal(ErrorCode.NotFound, ex.Error.Code);
        Assert.Equal("REDBOOK_ETCD_LEASE_NOT_FOUND", ex.Error.Reason);
    }
}

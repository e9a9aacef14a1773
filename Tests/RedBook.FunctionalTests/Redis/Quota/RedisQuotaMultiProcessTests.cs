using System.Globalization;
using RedBook.FunctionalTests.Etcd;
using RedBook.ServiceDefaults.Quota;
using RedBook.ServiceDefaults.Redis.Quota;
using Xunit.Abstractions;

namespace RedBook.FunctionalTests.Redis.Quota;

/// <summary>
/// Quota clients in separate processes share one capacity through the Redis store. With the in-process store each
/// replica leases the whole capacity (here the heavy client alone would take 120/s and the three 170/s); with Redis
/// their total stays within 120/s and the grants are the max-min fair shares of what they ask for.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisQuotaMultiProcessTests(RedisFixture fixture, ITestOutputHelper output)
{
    private const string Resource = "feed-publish";
    private const double Capacity = 120;
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_converge = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task QuotaRateLimiter_ThreeProcessesOnOneRedis_StayWithinCapacityAtMaxMinShares()
    {
        var prefix = $"multi:{Guid.NewGuid():N}:";
        var store = new RedisQuotaStore(fixture.Connection, new QuotaOptionsSource(new QuotaOptions { Capacity = Capacity }), new RedisQuotaStoreOptions { KeyPrefix = prefix });
        using var watching = new CancellationTokenSource();
        var invariant = WatchTotalAsync(store, watching.Token);

        // Demands 1000, 40 and 10 per second: they ask for 1.2 × that (more for the starved one), so max-min
        // fairness gives the small two what they ask (about 48 and 12) and the heavy one the rest (about 60).
        var clients = await Task.WhenAll(
            QuotaClientProcess.StartAsync("heavy", Settings(prefix, demand: 1000)),
            QuotaClientProcess.StartAsync("medium", Settings(prefix, demand: 40)),
            QuotaClientProcess.StartAsync("light", Settings(prefix, demand: 10)));
        await using var heavy = clients[0];
        await using var medium = clients[1];
        await using var light = clients[2];

        try
        {
            // 1. The shares converge to max-min fairness over what each process asks for.
            await Poll.UntilAsync(() => AtMaxMinShares(heavy, medium, light), "the processes' grants reach the max-min shares", s_converge);

            // 2. Over the next 8 s of each process's own clock: the shares hold, and what the three consumed stays
            //    within the capacity (plus what their token buckets held at the start: 1 s of their grants).
            var from = new[] { heavy, medium, light }.ToDictionary(c => c, c => c.Latest!);
            await Poll.UntilAsync(() => from.All(f => f.Key.Latest!.ElapsedMs >= f.Value.ElapsedMs + 8000), "8 s of reports from every process", s_converge);
            var window = from.ToDictionary(f => f.Key, f => Window.Of(f.Key, f.Value));
            foreach (var (client, w) in window)
            {
                output.WriteLine($"{client.Name}: {w}");
            }

            var totalRate = window.Values.Sum(w => w.AcquiredRate);
            var bound = Capacity * (1 + (1 / window.Values.Min(w => w.Seconds))) * 1.05;
            Assert.True(totalRate <= bound, $"the three consumed {totalRate:0.#}/s together, above {bound:0.#}/s for a capacity of {Capacity}/s");

            var (h, m, l) = (window[heavy], window[medium], window[light]);
            // A grant follows a change of wants one lease refresh later: on a busy machine a small client that was
            // briefly starved asks for more (the starvation boost), and the window's mean grant trails its mean wants
            // by that rise (0.89 seen with other test processes running). Whether it was throttled is the check below.
            Assert.True(m.MeanGranted >= 0.85 * m.MeanWants && l.MeanGranted >= 0.85 * l.MeanWants, $"the small clients are not satisfied: medium {m}, light {l}");
            Assert.True(Math.Abs(h.MeanGranted - (Capacity - m.MeanGranted - l.MeanGranted)) <= 8, $"the heavy client does not get the rest: {h}");
            Assert.True(h.MeanGranted > m.MeanGranted && m.MeanGranted > l.MeanGranted, $"shares out of order: {h} / {m} / {l}");
            Assert.True(m.AcquiredRate >= 0.8 * m.AttemptedRate && l.AcquiredRate >= 0.8 * l.AttemptedRate, $"the small clients were throttled: medium {m}, light {l}");
            Assert.True(h.AcquiredRate >= 0.5 * h.MeanGranted && h.AcquiredRate < h.AttemptedRate / 2, $"the heavy client did not consume its share: {h}");

            // 3. The medium process crashes: its lease runs out on the server's clock and the heavy one takes it over.
            await medium.KillAsync();
            await Poll.UntilAsync(() => heavy.Latest!.Granted >= Capacity - 20, "the heavy client takes over the crashed client's share", s_converge);
            await Poll.UntilAsync(async () => (await store.GetLeasesAsync(Resource)).All(lease => lease.ClientId != medium.ClientId), "the crashed client's lease is reclaimed", s_converge);

            // 4. The light process stops cleanly: it releases its lease, and the heavy one gets the whole capacity.
            await light.StopAsync();
            Assert.DoesNotContain(await store.GetLeasesAsync(Resource), lease => lease.ClientId == light.ClientId);
            await Poll.UntilAsync(() => heavy.Latest!.Granted >= Capacity - 1e-6, "the heavy client gets the whole capacity", s_converge);
        }
        catch (Exception ex) when (ex is TimeoutException or Xunit.Sdk.XunitException)
        {
            output.WriteLine(string.Join(Environment.NewLine, new[] { heavy, medium, light }.Select(c => c.Diagnostics)));
            throw;
        }
        finally
        {
            await watching.CancelAsync();
        }

        var (samples, worst) = await invariant;
        output.WriteLine($"server-side total over {samples} samples: at most {worst:0.###}");
        Assert.True(samples > 10, $"only {samples} samples of the server's leases");
        Assert.True(worst <= Capacity + 1e-6, $"the server's leases summed to {worst}, above the capacity {Capacity}");
    }

    /// <summary>Every process is leased, the two small ones get what they ask and the heavy one (which asks for more) the rest.</summary>
    private static bool AtMaxMinShares(QuotaClientProcess heavy, QuotaClientProcess medium, QuotaClientProcess light)
    {
        if (heavy.Latest is not { } h || medium.Latest is not { } m || light.Latest is not { } l
            || new[] { h, m, l }.Any(r => r.Mode != nameof(QuotaMode.Leased)))
        {
            return false;
        }

        var expected = QuotaAlgorithms.FairShare(Capacity, [h.Wants, m.Wants, l.Wants]);
        return m.Granted >= 0.9 * m.Wants && l.Granted >= 0.9 * l.Wants
            && h.Wants > h.Granted
            && Math.Abs(h.Granted - expected[0]) <= 8
            && m.Wants is > 30 and < 70 && l.Wants is > 5 and < 20;
    }

    /// <summary>Samples the server's leases until cancelled: how many samples, and the largest total.</summary>
    private static async Task<(int Samples, double Worst)> WatchTotalAsync(RedisQuotaStore store, CancellationToken cancellationToken)
    {
        var samples = 0;
        var worst = 0.0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var total = (await store.GetLeasesAsync(Resource, CancellationToken.None)).Sum(l => l.Granted);
            worst = Math.Max(worst, total);
            samples++;
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (samples, worst);
    }

    private Dictionary<string, string> Settings(string prefix, double demand) => new()
    {
        ["ConnectionStrings:redis"] = fixture.Redis.ConnectionString,
        ["RedBook:Quota:Redis:KeyPrefix"] = prefix,
        [$"RedBook:Quota:{Resource}:Capacity"] = Capacity.ToString(CultureInfo.InvariantCulture),
        [$"RedBook:Quota:{Resource}:Algorithm"] = nameof(QuotaAlgorithm.FairShare),
        [$"RedBook:Quota:{Resource}:LeaseLength"] = s_lease.ToString(),
        [$"RedBook:Quota:{Resource}:RefreshInterval"] = "00:00:01",
        [$"RedBook:Quota:{Resource}:StaticLimit"] = "1",
        [$"RedBook:Quota:{Resource}:InitialWants"] = "5",
        [$"RedBook:Quota:{Resource}:MinBackoff"] = "00:00:00.200",
        [$"RedBook:Quota:{Resource}:MaxBackoff"] = "00:00:02",
        ["Client:Resource"] = Resource,
        ["Client:Demand"] = demand.ToString(CultureInfo.InvariantCulture),
        ["Client:DurationSeconds"] = "300",
        ["Client:ReportMilliseconds"] = "200",
    };

    /// <summary>What one process did between two of its reports.</summary>
    private sealed record Window(double Seconds, double AttemptedRate, double AcquiredRate, double MeanWants, double MeanGranted)
    {
        public static Window Of(QuotaClientProcess client, QuotaClientProcess.Report from)
        {
            var reports = client.ReportsSince(from.ElapsedMs);
            var to = reports[^1];
            var seconds = (to.ElapsedMs - from.ElapsedMs) / 1000;
            return new Window(
                seconds,
                (to.Attempted - from.Attempted) / seconds,
                (to.Acquired - from.Acquired) / seconds,
                reports.Average(r => r.Wants),
                reports.Average(r => r.Granted));
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Seconds:0.#} s: attempted {AttemptedRate:0.#}/s, acquired {AcquiredRate:0.#}/s, wants {MeanWants:0.#}, granted {MeanGranted:0.#}");
    }
}

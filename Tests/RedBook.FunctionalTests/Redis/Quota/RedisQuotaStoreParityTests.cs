using Microsoft.Extensions.Time.Testing;
using RedBook.ServiceDefaults.Quota;
using RedBook.ServiceDefaults.Redis.Quota;

namespace RedBook.FunctionalTests.Redis.Quota;

/// <summary>
/// The Redis store and <see cref="InProcessQuotaStore"/> answer the same sequences of requests, releases and
/// capacity changes with the same grants (seeded sequences; leases long enough that neither store expires one).
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisQuotaStoreParityTests(RedisFixture fixture)
{
    [Theory]
    [InlineData(QuotaAlgorithm.FairShare, 1)]
    [InlineData(QuotaAlgorithm.FairShare, 2)]
    [InlineData(QuotaAlgorithm.FairShare, 3)]
    [InlineData(QuotaAlgorithm.ProportionalShare, 1)]
    [InlineData(QuotaAlgorithm.ProportionalShare, 2)]
    [InlineData(QuotaAlgorithm.ProportionalShare, 3)]
    public async Task AcquireAsync_SameSequence_GrantsWhatTheInProcessStoreGrants(QuotaAlgorithm algorithm, int seed)
    {
        var options = new QuotaOptionsSource(Options(algorithm, 120));
        var inProcess = new InProcessQuotaStore(options, new FakeTimeProvider());
        var redis = new RedisQuotaStore(fixture.Connection, options, new RedisQuotaStoreOptions { KeyPrefix = $"parity:{Guid.NewGuid():N}:" });
        var random = new Random(seed);
        var has = new Dictionary<string, double>(StringComparer.Ordinal);
        var compared = 0;

        for (var step = 0; step < 300; step++)
        {
            var client = $"c{random.Next(8)}";
            var roll = random.NextDouble();
            if (roll < 0.08)
            {
                await inProcess.ReleaseAsync("r", client);
                await redis.ReleaseAsync("r", client);
                has.Remove(client);
            }
            else if (roll < 0.12)
            {
                options.SetDefaults(Options(algorithm, Math.Round(random.NextDouble() * 200, 3)));
            }
            else
            {
                var wants = random.Next(4) switch
                {
                    0 => 0,
                    1 => random.NextDouble() * 10,
                    2 => random.NextDouble() * 60,
                    _ => random.NextDouble() * 1000,
                };
                var request = new QuotaRequest("r", client, wants, has.GetValueOrDefault(client));
                var expected = (await inProcess.AcquireAsync(request)).Granted;
                var actual = (await redis.AcquireAsync(request)).Granted;
                Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, expected), $"step {step}: {client} wants {wants}: in-process {expected}, Redis {actual}");
                has[client] = actual;
                compared++;
            }
        }

        Assert.True(compared > 200, $"only {compared} grants compared");
        var expectedLeases = inProcess.GetLeases("r").ToDictionary(l => l.ClientId, l => l.Granted);
        var actualLeases = (await redis.GetLeasesAsync("r")).ToDictionary(l => l.ClientId, l => l.Granted);
        Assert.Equal(expectedLeases.Keys.Order(), actualLeases.Keys.Order());
        Assert.All(expectedLeases, e => Assert.Equal(e.Value, actualLeases[e.Key], 9));
    }

    private static QuotaOptions Options(QuotaAlgorithm algorithm, double capacity) =>
        new() { Capacity = capacity, Algorithm = algorithm, LeaseLength = TimeSpan.FromHours(1) };
}

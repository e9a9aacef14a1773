using RedBook.ServiceDefaults.Quota;

namespace RedBook.ServiceDefaults.Tests.Quota;

public class QuotaAlgorithmsTests
{
    private const double Epsilon = 1e-9;

    public static TheoryData<QuotaAlgorithm> Algorithms => new() { QuotaAlgorithm.FairShare, QuotaAlgorithm.ProportionalShare };

    private static double[] Allocate(QuotaAlgorithm algorithm, double capacity, double[] wants)
    {
        var grants = new double[wants.Length];
        QuotaAlgorithms.Allocate(algorithm, capacity, wants, grants);
        return grants;
    }

    /// <summary>Random demand sets: 1-40 clients, wants from tiny to huge (log-uniform), some zero, capacity around the total.</summary>
    private static IEnumerable<(double Capacity, double[] Wants)> DemandSets(int seed, int count)
    {
        var random = new Random(seed);
        for (var n = 0; n < count; n++)
        {
            var clients = random.Next(1, 41);
            var wants = new double[clients];
            for (var i = 0; i < clients; i++)
            {
                wants[i] = random.NextDouble() < 0.1 ? 0 : Math.Round(Math.Pow(10, random.NextDouble() * 4), random.Next(0, 3));
            }

            var capacity = Math.Round(wants.Sum() * random.NextDouble() * 1.5, 2);
            yield return (capacity, wants);
        }
    }

    [Fact]
    public void FairShare_DoormanExample_Gives60_50_10()
        => Assert.Equal(new[] { 60.0, 50.0, 10.0 }, QuotaAlgorithms.FairShare(120, [1000, 50, 10]));

    [Fact]
    public void ProportionalShare_DoormanExample_Gives69_69_40_31_10()
    {
        var grants = QuotaAlgorithms.ProportionalShare(120, [1000, 50, 10]);

        // Doorman's doc: g69.69072165, g40.309278351, g10 (equal share 40; the 30 left split 960:10).
        Assert.Equal(69.69072165, grants[0], 8);
        Assert.Equal(40.309278351, grants[1], 8);
        Assert.Equal(10.0, grants[2], 12);
    }

    [Fact]
    public void FairShare_SeveralRounds_FillsSmallestFirst()
        => Assert.Equal(new[] { 5.0, 20.0, 37.5, 37.5 }, QuotaAlgorithms.FairShare(100, [5, 20, 40, 300]));

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Allocate_RandomDemandSets_NeverExceedCapacityOrWants(QuotaAlgorithm algorithm)
    {
        foreach (var (capacity, wants) in DemandSets(seed: 1234, count: 2000))
        {
            var grants = Allocate(algorithm, capacity, wants);

            Assert.True(grants.Sum() <= capacity + (Epsilon * Math.Max(1, capacity)), $"sum {grants.Sum()} > capacity {capacity}");
            for (var i = 0; i < wants.Length; i++)
            {
                Assert.InRange(grants[i], 0, wants[i] + Epsilon);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Allocate_RandomDemandSets_WorkConservingAndEveryoneSatisfiedWhenItFits(QuotaAlgorithm algorithm)
    {
        foreach (var (capacity, wants) in DemandSets(seed: 99, count: 2000))
        {
            var grants = Allocate(algorithm, capacity, wants);
            var total = wants.Sum();

            if (total <= capacity)
            {
                Assert.Equal(wants, grants);
            }
            else
            {
                // Nothing is left on the table while someone still wants more.
                Assert.Equal(capacity, grants.Sum(), 6);
                // Everyone gets at least the smaller of its wants and an equal share.
                var equalShare = capacity / wants.Length;
                for (var i = 0; i < wants.Length; i++)
                {
                    Assert.True(grants[i] >= Math.Min(wants[i], equalShare) - Epsilon, $"client {i} got {grants[i]} < min({wants[i]}, {equalShare})");
                }
            }
        }
    }

    [Fact]
    public void FairShare_RandomDemandSets_IsMaxMinFair()
    {
        foreach (var (capacity, wants) in DemandSets(seed: 7, count: 2000))
        {
            var grants = QuotaAlgorithms.FairShare(capacity, wants);

            // Max-min fairness: a client that got less than it wants cannot get more without taking from a client
            // that has less or the same, i.e. every unsatisfied client holds the largest grant of all.
            var max = grants.Length == 0 ? 0 : grants.Max();
            for (var i = 0; i < wants.Length; i++)
            {
                if (grants[i] < wants[i] - Epsilon)
                {
                    Assert.True(grants[i] >= max - (Epsilon * Math.Max(1, max)), $"unsatisfied client {i} has {grants[i]} < max {max}");
                }
            }
        }
    }

    [Fact]
    public void FairShare_SpanOverload_AllocatesNothing()
    {
        double[] wants = [1000, 50, 10, 7, 300];
        var grants = new double[wants.Length];
        QuotaAlgorithms.FairShare(120, wants, grants); // JIT warm-up

        var before = GC.GetAllocatedBytesForCurrentThread();
        QuotaAlgorithms.FairShare(120, wants, grants);
        QuotaAlgorithms.ProportionalShare(120, wants, grants);

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Theory]
    [InlineData(-1.0, 1.0)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(double.PositiveInfinity, 1.0)]
    [InlineData(10.0, -1.0)]
    [InlineData(10.0, double.NaN)]
    public void Allocate_InvalidInput_ThrowsArgumentOutOfRange(double capacity, double want)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => QuotaAlgorithms.FairShare(capacity, [want, 1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuotaAlgorithms.ProportionalShare(capacity, [want, 1.0]));
    }

    [Fact]
    public void Allocate_MismatchedSpans_ThrowsArgumentException()
        => Assert.Throws<ArgumentException>(() => QuotaAlgorithms.FairShare(10, [1.0, 2.0], new double[1]));

    [Fact]
    public void Allocate_EmptyOrZeroCapacity_GrantsNothing()
    {
        Assert.Empty(QuotaAlgorithms.FairShare(10, []));
        Assert.Equal(new[] { 0.0, 0.0 }, QuotaAlgorithms.FairShare(0, [5, 5]));
        Assert.Equal(new[] { 0.0, 0.0 }, QuotaAlgorithms.ProportionalShare(0, [5, 5]));
    }
}

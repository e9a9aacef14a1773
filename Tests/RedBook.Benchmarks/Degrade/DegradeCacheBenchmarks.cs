using BenchmarkDotNet.Attributes;
using RedBook.ServiceDefaults.Degrade;

namespace RedBook.Benchmarks.Degrade;

/// <summary>A fresh hit of the degrade cache against a plain <c>ConcurrentDictionary</c> lookup (the baseline).</summary>
[MemoryDiagnoser]
public class DegradeCacheBenchmarks : IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _dictionary = new();
    private DegradeCache<string, string> _cache = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cache = new DegradeCache<string, string>("bench", new DegradeOptions { FreshTtl = TimeSpan.FromHours(1), StaleTtl = TimeSpan.FromHours(2) });
        _cache.Set("user-42", "timeline");
        _dictionary["user-42"] = "timeline";
    }

    [Benchmark(Baseline = true)]
    public string? ConcurrentDictionary_Lookup() => _dictionary.TryGetValue("user-42", out var value) ? value : null;

    [Benchmark]
    public string DegradeCache_FreshHit()
    {
        var pending = _cache.GetOrCallAsync("user-42", static (key, ct) => ValueTask.FromResult(key));
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("A fresh hit completes synchronously.");
        }

        return pending.Result.Value;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _cache.Dispose();
        GC.SuppressFinalize(this);
    }
}

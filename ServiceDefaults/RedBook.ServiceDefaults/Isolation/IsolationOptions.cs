using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Isolation;

/// <summary>
/// Per-dependency bulkheads and per-route partitions, bound from <c>RedBook:Isolation</c> and applied live:
/// <c>RedBook:Isolation:Dependencies:{name}:MaxConcurrency</c>, <c>...:QueueLimit</c>;
/// <c>RedBook:Isolation:Routes:{pattern}:PermitsPerSecond</c>, <c>...:Burst</c>, <c>...:MaxConcurrency</c>,
/// <c>...:QueueLimit</c>. Names and patterns compare case-insensitively; a pattern cannot contain <c>:</c>.
/// </summary>
public sealed class IsolationOptions : IValidatableObject
{
    /// <summary>One bulkhead per downstream dependency, by name (<c>mall-api</c>, <c>redis</c>).</summary>
    public Dictionary<string, BulkheadOptions> Dependencies { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The bulkhead each dependency without its own entry gets (one per dependency name), or null to leave them
    /// unlimited.
    /// </summary>
    /// <value>The default is null.</value>
    public BulkheadOptions? DefaultDependency { get; set; }

    /// <summary>One partition per route pattern (<c>/api/feed/{id}</c>); routes without an entry are unlimited.</summary>
    public Dictionary<string, RoutePartitionOptions> Routes { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        foreach (var (name, bulkhead) in Dependencies)
        {
            ValidateEntry(bulkhead, $"{nameof(Dependencies)}:{name}", results);
        }

        if (DefaultDependency is not null)
        {
            ValidateEntry(DefaultDependency, nameof(DefaultDependency), results);
        }

        foreach (var (pattern, route) in Routes)
        {
            ValidateEntry(route, $"{nameof(Routes)}:{pattern}", results);
        }

        return results;
    }

    internal IsolationOptions Clone()
    {
        var copy = new IsolationOptions { DefaultDependency = DefaultDependency?.Clone() };
        foreach (var (name, bulkhead) in Dependencies)
        {
            copy.Dependencies[name] = bulkhead.Clone();
        }

        foreach (var (pattern, route) in Routes)
        {
            copy.Routes[pattern] = route.Clone();
        }

        return copy;
    }

    private static void ValidateEntry(object entry, string path, List<ValidationResult> results)
    {
        var entryResults = new List<ValidationResult>();
        if (entry is null)
        {
            results.Add(new ValidationResult($"Isolation entry '{path}' is empty."));
            return;
        }

        if (!Validator.TryValidateObject(entry, new ValidationContext(entry), entryResults, validateAllProperties: true))
        {
            foreach (var r in entryResults)
            {
                results.Add(new ValidationResult($"{path}: {r.ErrorMessage}", r.MemberNames.Select(m => $"{path}:{m}").ToArray()));
            }
        }
    }
}

/// <summary>A bulkhead: a concurrency limit with a bounded FIFO queue, one framework <c>ConcurrencyLimiter</c>.</summary>
public sealed class BulkheadOptions
{
    /// <summary>How many calls may run at once.</summary>
    /// <value>The default is 64.</value>
    [Range(1, 1_000_000)]
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>How many calls may wait for a slot; 0 rejects at once.</summary>
    /// <value>The default is 0.</value>
    [Range(0, 1_000_000)]
    public int QueueLimit { get; set; }

    internal BulkheadOptions Clone() => (BulkheadOptions)MemberwiseClone();
}

/// <summary>
/// A route's partition: a rate (a framework <c>TokenBucketRateLimiter</c>) and/or a concurrency limit (a framework
/// <c>ConcurrencyLimiter</c>), chained rate first.
/// </summary>
public sealed class RoutePartitionOptions : IValidatableObject
{
    /// <summary>The sustained rate, in requests per second; null for no rate limit.</summary>
    /// <value>The default is null.</value>
    [Range(1e-6, 10_000_000.0)]
    public double? PermitsPerSecond { get; set; }

    /// <summary>The token bucket's size (the burst above the rate); null for ceil(rate), at least 1.</summary>
    /// <value>The default is null.</value>
    [Range(1, 10_000_000)]
    public int? Burst { get; set; }

    /// <summary>How many requests of the route may run at once; null for no concurrency limit.</summary>
    /// <value>The default is null.</value>
    [Range(1, 1_000_000)]
    public int? MaxConcurrency { get; set; }

    /// <summary>How many requests may wait for a concurrency slot; 0 rejects at once.</summary>
    /// <value>The default is 0.</value>
    [Range(0, 1_000_000)]
    public int QueueLimit { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Burst is not null && PermitsPerSecond is null)
        {
            yield return new ValidationResult("Burst needs PermitsPerSecond.", [nameof(Burst)]);
        }
    }

    internal RoutePartitionOptions Clone() => (RoutePartitionOptions)MemberwiseClone();
}

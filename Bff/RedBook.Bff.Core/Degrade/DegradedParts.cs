namespace RedBook.Bff.Core.Degrade;

/// <summary>Collects the names of a screen's degraded parts while its calls run in parallel.</summary>
public sealed class DegradedParts
{
    private readonly Lock _gate = new();
    private readonly SortedSet<string> _parts = new(StringComparer.Ordinal);

    /// <summary>Marks <paramref name="part"/> degraded when <paramref name="degraded"/> is true.</summary>
    public void Mark(string part, bool degraded = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(part);
        if (!degraded)
        {
            return;
        }

        lock (_gate)
        {
            _parts.Add(part);
        }
    }

    /// <summary>The degraded parts, sorted (empty when the screen is whole).</summary>
    public IReadOnlyList<string> ToList()
    {
        lock (_gate)
        {
            return [.. _parts];
        }
    }
}

using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Quota;

namespace RedBook.FunctionalTests.Redis.Quota;

/// <summary>Per-resource quota options a test sets by hand; a resource marked invalid fails like a rejected configuration.</summary>
internal sealed class QuotaOptionsSource(QuotaOptions defaults) : IOptionsMonitor<QuotaOptions>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, QuotaOptions> _named = new(StringComparer.Ordinal);
    private readonly HashSet<string> _invalid = new(StringComparer.Ordinal);
    private QuotaOptions _defaults = defaults;

    public QuotaOptions CurrentValue => Get(Options.DefaultName);

    public QuotaOptions Get(string? name)
    {
        lock (_gate)
        {
            name ??= Options.DefaultName;
            if (_invalid.Contains(name))
            {
                throw new OptionsValidationException(name, typeof(QuotaOptions), [$"Capacity of '{name}' is out of range."]);
            }

            return _named.TryGetValue(name, out var options) ? options : _defaults;
        }
    }

    /// <summary>Sets the options of every resource without its own.</summary>
    public void SetDefaults(QuotaOptions options)
    {
        lock (_gate)
        {
            _defaults = options;
        }
    }

    public void Set(string resource, QuotaOptions options)
    {
        lock (_gate)
        {
            _named[resource] = options;
        }
    }

    public void MarkInvalid(string resource)
    {
        lock (_gate)
        {
            _invalid.Add(resource);
        }
    }

    public IDisposable? OnChange(Action<QuotaOptions, string?> listener) => null;
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Internal;

/// <summary>
/// Named options bound from a configuration section with per-name overrides (<c>{section}</c>, then
/// <c>{section}:{name}</c>), validated with DataAnnotations for every name, and reloaded for every name on a
/// configuration change. The stock <see cref="OptionsMonitor{TOptions}"/> only reloads the names that have their
/// own change-token source, and the names here (services, resources, caches) are open-ended.
/// </summary>
internal static class NamedOptions
{
    public static IServiceCollection AddRedBookNamedOptions<TOptions>(this IServiceCollection services, string section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<TOptions>, SectionConfigureOptions<TOptions>>(
            sp => new SectionConfigureOptions<TOptions>(sp.GetService<IConfiguration>(), section)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, DataAnnotationValidateOptions<TOptions>>(
            _ => new DataAnnotationValidateOptions<TOptions>(name: null)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<TOptions>, ConfigurationChangeTokenSource<TOptions>>(
            sp => new ConfigurationChangeTokenSource<TOptions>(sp.GetService<IConfiguration>() ?? new ConfigurationBuilder().Build())));
        services.TryAddSingleton<IOptionsMonitor<TOptions>, ReloadingOptionsMonitor<TOptions>>();
        return services;
    }

    /// <summary>Binds <c>{section}</c> and then <c>{section}:{name}</c> onto every named instance.</summary>
    private sealed class SectionConfigureOptions<TOptions>(IConfiguration? configuration, string section) : IConfigureNamedOptions<TOptions>
        where TOptions : class
    {
        public void Configure(TOptions options) => Configure(Options.DefaultName, options);

        public void Configure(string? name, TOptions options)
        {
            if (configuration is null)
            {
                return;
            }

            var root = configuration.GetSection(section);
            root.Bind(options);
            if (!string.IsNullOrEmpty(name))
            {
                root.GetSection(name).Bind(options);
            }
        }
    }
}

/// <summary>
/// An <see cref="IOptionsMonitor{TOptions}"/> that, on any change token of its sources, rebuilds every name it has
/// handed out and notifies the listeners with each name. A rebuild that fails validation keeps the previous value
/// (a bad reload never takes a running service down); the error is reported through <see cref="LastReloadError"/>.
/// </summary>
internal sealed class ReloadingOptionsMonitor<TOptions> : IOptionsMonitor<TOptions>, IDisposable
    where TOptions : class
{
    private readonly IOptionsFactory<TOptions> _factory;
    private readonly ConcurrentDictionary<string, TOptions> _cache = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _registrations = [];
    private readonly Lock _listenersGate = new();
    private Action<TOptions, string?>[] _listeners = [];

    public ReloadingOptionsMonitor(IOptionsFactory<TOptions> factory, IEnumerable<IOptionsChangeTokenSource<TOptions>> sources)
    {
        _factory = factory;
        foreach (var source in sources)
        {
            _registrations.Add(Microsoft.Extensions.Primitives.ChangeToken.OnChange(source.GetChangeToken, Reload));
        }
    }

    /// <summary>The validation error of the last reload that was rejected, or null.</summary>
    public OptionsValidationException? LastReloadError { get; private set; }

    public TOptions CurrentValue => Get(Options.DefaultName);

    public TOptions Get(string? name) => _cache.GetOrAdd(name ?? Options.DefaultName, static (n, f) => f.Create(n), _factory);

    public IDisposable? OnChange(Action<TOptions, string?> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_listenersGate)
        {
            _listeners = [.. _listeners, listener];
        }

        return new Subscription(this, listener);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void Reload()
    {
        foreach (var name in _cache.Keys)
        {
            TOptions value;
            try
            {
                value = _factory.Create(name);
            }
            catch (OptionsValidationException ex)
            {
                LastReloadError = ex;
                continue;
            }

            _cache[name] = value;
            foreach (var listener in Volatile.Read(ref _listeners))
            {
                listener(value, name);
            }
        }
    }

    private void Remove(Action<TOptions, string?> listener)
    {
        lock (_listenersGate)
        {
            var index = Array.IndexOf(_listeners, listener);
            if (index >= 0)
            {
                _listeners = [.. _listeners.AsSpan(0, index), .. _listeners.AsSpan(index + 1)];
            }
        }
    }

    private sealed class Subscription(ReloadingOptionsMonitor<TOptions> owner, Action<TOptions, string?> listener) : IDisposable
    {
        public void Dispose() => owner.Remove(listener);
    }
}

using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Etcd.Configuration;

/// <summary>
/// Validates the configuration the way the application consumes it: for every options type bound from
/// configuration (each <see cref="ConfigurationChangeTokenSource{TOptions}"/> registration, which
/// <c>Configure&lt;T&gt;(IConfiguration)</c> and <c>BindConfiguration</c> add), it creates a fresh instance through
/// <see cref="IOptionsFactory{TOptions}"/> — binding, post-configuration and validation included — and reports
/// what throws. The etcd provider uses it to roll back a change that would break an <c>IOptionsMonitor</c>.
/// </summary>
internal sealed class OptionsBindingValidator : IEtcdConfigurationValidator
{
    private static readonly MethodInfo s_probeMethod = typeof(OptionsBindingValidator).GetMethod(nameof(CreateProbe), BindingFlags.NonPublic | BindingFlags.Static)!;
    private readonly List<(string Id, Action Create)> _probes = [];

    public OptionsBindingValidator(IServiceProvider services, IEnumerable<ServiceDescriptor> descriptors)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(descriptors);
        var seen = new HashSet<(Type, string)>();
        var serviceTypes = descriptors
            .Where(d => !d.IsKeyedService && d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(d => d.ServiceType)
            .Distinct()
            .ToArray();
        foreach (var serviceType in serviceTypes)
        {
            var optionsType = serviceType.GetGenericArguments()[0];
            if (optionsType == typeof(Microsoft.Extensions.Hosting.HostOptions))
            {
                continue; // Creating HostOptions would re-enter the attacher, which configures them.
            }

            var nameProperty = serviceType.GetProperty(nameof(IOptionsChangeTokenSource<object>.Name))!;
            foreach (var source in services.GetServices(serviceType))
            {
                if (source is null
                    || !source.GetType().IsGenericType
                    || source.GetType().GetGenericTypeDefinition() != typeof(ConfigurationChangeTokenSource<>))
                {
                    continue;
                }

                var name = (string?)nameProperty.GetValue(source) ?? Options.DefaultName;
                if (seen.Add((optionsType, name)))
                {
                    var create = (Action)s_probeMethod.MakeGenericMethod(optionsType).Invoke(null, [services, name])!;
                    _probes.Add((name.Length == 0 ? optionsType.Name : $"{optionsType.Name} '{name}'", create));
                }
            }
        }
    }

    /// <summary>How many options instances are checked.</summary>
    public int ProbeCount => _probes.Count;

    public IReadOnlyDictionary<string, string> Validate()
    {
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, create) in _probes)
        {
            try
            {
                create();
            }
            catch (Exception ex) when (ex is InvalidOperationException or OptionsValidationException or FormatException or ArgumentException or OverflowException)
            {
                failures[id] = ex.Message;
            }
        }

        return failures;
    }

    private static Action CreateProbe<TOptions>(IServiceProvider services, string name)
        where TOptions : class
    {
        var factory = services.GetRequiredService<IOptionsFactory<TOptions>>();
        return () => factory.Create(name);
    }
}

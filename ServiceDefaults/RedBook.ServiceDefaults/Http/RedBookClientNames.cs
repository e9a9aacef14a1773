using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// The names of the HttpClients this application registers, so that configuration for a client nobody registered
/// (a typo in <c>RedBook:Clients:{name}</c>) is reported at startup instead of being silently ignored. It reads
/// the service collection as it stands when the host is built: every <c>AddHttpClient(name, ...)</c> and typed
/// client configures named <see cref="HttpClientFactoryOptions"/>, and the factory's own registry of reserved
/// names lists the typed clients. A bare <c>AddHttpClient(name)</c> with no configuration leaves no trace; such a
/// client is known once <c>.AddRedBookPipeline()</c> is called on it (<see cref="Add"/>).
/// </summary>
internal sealed class RedBookClientNames(IServiceCollection services)
{
    private readonly HashSet<string> _explicit = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public void Add(string name)
    {
        lock (_gate)
        {
            _explicit.Add(name);
        }
    }

    public IReadOnlySet<string> Snapshot()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        lock (_gate)
        {
            names.UnionWith(_explicit);
        }

        foreach (var descriptor in services)
        {
            if (descriptor.IsKeyedService)
            {
                continue;
            }

            if (descriptor.ImplementationInstance is ConfigureNamedOptions<HttpClientFactoryOptions> { Name: { Length: > 0 } name })
            {
                names.Add(name);
            }
            else if (descriptor.ImplementationInstance is { } registry && registry.GetType().FullName == "Microsoft.Extensions.DependencyInjection.HttpClientMappingRegistry")
            {
                // The factory keeps the typed clients' names in an internal registry; read it when its shape is the
                // one we know, and rely on the public signals otherwise.
                if (registry.GetType().GetProperty("NamedClientRegistrations", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(registry)
                    is IDictionary<string, Type> reserved)
                {
                    names.UnionWith(reserved.Keys);
                }
            }
        }

        return names;
    }
}

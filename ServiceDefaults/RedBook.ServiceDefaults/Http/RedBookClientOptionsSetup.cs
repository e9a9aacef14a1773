using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Binds <see cref="RedBookClientOptions"/> for a client name: <c>RedBook:Clients:Defaults</c>, then
/// <c>RedBook:Clients:{name}</c> over it (the binder only sets the keys a section has, so the layering is exact).
/// The unnamed options (<see cref="Options.DefaultName"/>) are the defaults layer alone.
/// </summary>
internal sealed class RedBookClientOptionsSetup(IConfiguration configuration) : IConfigureNamedOptions<RedBookClientOptions>
{
    public void Configure(RedBookClientOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, RedBookClientOptions options)
    {
        var clients = configuration.GetSection(RedBookClientOptions.SectionName);
        clients.GetSection(RedBookClientOptions.DefaultsSectionName).Bind(options);
        if (!string.IsNullOrEmpty(name) && !string.Equals(name, RedBookClientOptions.DefaultsSectionName, StringComparison.OrdinalIgnoreCase))
        {
            clients.GetSection(name).Bind(options);
        }
    }
}

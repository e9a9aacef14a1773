using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace RedBook.ServiceDefaults.Discovery;

/// <summary>
/// Reads endpoints from the configuration Aspire injects into every project that references another one:
/// <c>services:{service}:{endpoint}:{i} = http://host:port</c> (environment variables
/// <c>services__feed__http__0</c>). Every endpoint name of the service is returned; the resolver keeps the
/// schemes the request asks for. A host written as <c>_grpc.feed</c> asks for the <c>grpc</c> endpoint only.
/// Live: a configuration reload (a file change, the etcd configuration provider) is seen on the next call.
/// </summary>
public sealed class ConfigurationServiceDiscoveryProvider : IServiceDiscoveryProvider
{
    /// <summary>The configuration section that holds the services.</summary>
    public const string SectionName = "services";

    private readonly IConfiguration _configuration;

    /// <summary>Creates the provider over <paramref name="configuration"/>.</summary>
    public ConfigurationServiceDiscoveryProvider(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
    }

    /// <inheritdoc />
    public IReadOnlyList<ServiceEndpoint> GetEndpoints(string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        string? onlyEndpoint = null;
        if (serviceName.StartsWith('_') && serviceName.IndexOf('.', StringComparison.Ordinal) is var dot and > 1)
        {
            onlyEndpoint = serviceName[1..dot];
            serviceName = serviceName[(dot + 1)..];
        }

        var service = _configuration.GetSection(SectionName).GetSection(serviceName);
        List<ServiceEndpoint>? result = null;
        foreach (var endpoint in service.GetChildren())
        {
            if (onlyEndpoint is not null && !string.Equals(endpoint.Key, onlyEndpoint, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var instance in endpoint.GetChildren())
            {
                if (TryParseAddress(instance.Value, endpoint.Key, out var address))
                {
                    result ??= [];
                    result.Add(new ServiceEndpoint(address, $"{endpoint.Key}/{instance.Key}"));
                }
            }
        }

        return result is null ? [] : result;
    }

    /// <inheritdoc />
    public IChangeToken GetChangeToken(string serviceName) => _configuration.GetReloadToken();

    /// <summary>
    /// Parses an Aspire endpoint value: an absolute http(s) URI, or <c>host:port</c> (then the endpoint name is the
    /// scheme when it is <c>http</c>/<c>https</c>, else http). Anything else is ignored, not guessed.
    /// </summary>
    internal static bool TryParseAddress(string? value, string endpointName, out Uri address)
    {
        address = null!;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        value = value.Trim();
        if (!value.Contains("://", StringComparison.Ordinal))
        {
            var scheme = string.Equals(endpointName, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;
            value = $"{scheme}://{value}";
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(parsed.Host))
        {
            return false;
        }

        address = new Uri(parsed.GetLeftPart(UriPartial.Authority), UriKind.Absolute);
        return true;
    }
}

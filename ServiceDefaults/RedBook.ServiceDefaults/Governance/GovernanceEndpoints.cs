using System.Collections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Governance;

/// <summary>
/// The governance endpoints under <see cref="ManagementOptions.PathPrefix"/>: <c>buildinfo</c>, <c>config</c>
/// (effective configuration, secrets redacted), <c>env</c> (environment variables, secrets redacted) and
/// <c>routes</c> (every endpoint the application maps). They answer only where <see cref="ManagementAccess"/>
/// allows and 404 everywhere else.
/// </summary>
internal static class GovernanceEndpoints
{
    public static IEndpointRouteBuilder MapRedBookGovernance(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(ManagementOptions.PathPrefix).ExcludeFromDescription();
        group.AddEndpointFilter(static async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<ManagementOptions>>().CurrentValue;
            return ManagementAccess.IsAllowed(context.HttpContext, options.Port) ? await next(context).ConfigureAwait(false) : Results.NotFound();
        });
        group.MapGet("/buildinfo", static (BuildInfo info) => Results.Json(info));
        group.MapGet("/config", static (IConfiguration configuration) => Results.Json(Configuration(configuration)));
        group.MapGet("/env", static () => Results.Json(Environment()));
        group.MapGet("/routes", static (EndpointDataSource data) => Results.Json(Routes(data)));
        return endpoints;
    }

    internal static SortedDictionary<string, string?> Configuration(IConfiguration configuration)
    {
        var result = new SortedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in configuration.AsEnumerable())
        {
            if (pair.Value is not null)
            {
                result[pair.Key] = SecretRedactor.Redact(pair.Key, pair.Value);
            }
        }

        return result;
    }

    internal static SortedDictionary<string, string?> Environment()
    {
        var result = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            var key = (string)entry.Key;
            result[key] = SecretRedactor.Redact(key, entry.Value as string);
        }

        return result;
    }

    internal static List<RouteInfo> Routes(EndpointDataSource data)
    {
        var routes = new List<RouteInfo>();
        foreach (var endpoint in data.Endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            routes.Add(new RouteInfo(
                (endpoint as RouteEndpoint)?.RoutePattern.RawText,
                [.. methods],
                endpoint.DisplayName,
                endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName));
        }

        routes.Sort(static (a, b) => string.CompareOrdinal(a.Pattern, b.Pattern));
        return routes;
    }

    internal sealed record RouteInfo(string? Pattern, string[] Methods, string? DisplayName, string? Name);
}

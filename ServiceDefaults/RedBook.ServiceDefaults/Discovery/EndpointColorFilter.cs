using Microsoft.Extensions.ServiceDiscovery;

namespace RedBook.ServiceDefaults.Discovery;

/// <summary>
/// Traffic colouring (full-chain stress tests, canaries): an instance registered with a colour receives only
/// requests carrying that colour (<see cref="Errors.RedBookHeaders.Color"/>), and uncoloured requests go only to
/// uncoloured instances. A coloured request for which no instance of its colour exists falls back to the
/// uncoloured instances (the baseline), so a colour without its own deployment still gets served; pass
/// <c>fallbackToUncolored: false</c> to get an empty list instead. Colours compare case-insensitively; an empty
/// colour is no colour. An endpoint's colour is its <see cref="ServiceInstanceFeature.Color"/>; endpoints without the
/// feature (Aspire's configuration) are uncoloured.
/// </summary>
public static class EndpointColorFilter
{
    /// <summary>
    /// Returns the endpoints that may serve a request of <paramref name="requestColor"/>. Allocation-light: when
    /// every endpoint qualifies it returns <paramref name="endpoints"/> itself, and when none does an empty array.
    /// </summary>
    /// <param name="endpoints">Every known endpoint of the service.</param>
    /// <param name="requestColor">The request's colour; null or empty for normal traffic.</param>
    /// <param name="fallbackToUncolored">Whether a coloured request with no instance of its colour goes to the uncoloured instances.</param>
    public static IReadOnlyList<ServiceEndpoint> Filter(IReadOnlyList<ServiceEndpoint> endpoints, string? requestColor, bool fallbackToUncolored = true)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count == 0)
        {
            return endpoints;
        }

        if (!string.IsNullOrEmpty(requestColor))
        {
            var colored = Select(endpoints, requestColor);
            if (colored.Count > 0 || !fallbackToUncolored)
            {
                return colored;
            }
        }

        return Select(endpoints, color: null);
    }

    /// <summary>Whether an instance of <paramref name="endpointColor"/> may serve a request of <paramref name="requestColor"/> (no fallback).</summary>
    public static bool Matches(string? endpointColor, string? requestColor) =>
        string.IsNullOrEmpty(endpointColor)
            ? string.IsNullOrEmpty(requestColor)
            : string.Equals(endpointColor, requestColor, StringComparison.OrdinalIgnoreCase);

    private static IReadOnlyList<ServiceEndpoint> Select(IReadOnlyList<ServiceEndpoint> endpoints, string? color)
    {
        var count = 0;
        for (var i = 0; i < endpoints.Count; i++)
        {
            if (Matches(endpoints[i].GetColor(), color))
            {
                count++;
            }
        }

        if (count == endpoints.Count)
        {
            return endpoints;
        }

        if (count == 0)
        {
            return [];
        }

        var result = new ServiceEndpoint[count];
        var next = 0;
        for (var i = 0; i < endpoints.Count; i++)
        {
            if (Matches(endpoints[i].GetColor(), color))
            {
                result[next++] = endpoints[i];
            }
        }

        return result;
    }
}

namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>
/// The copy-on-write endpoint set behind every balancer: picks read <see cref="Nodes"/> (an immutable array) without a
/// lock; <see cref="Update"/> builds a new array under a lock, reusing the nodes whose key stays.
/// </summary>
internal sealed class EndpointSet<TEndpoint>
    where TEndpoint : class
{
    private readonly Lock _gate = new();
    private EndpointNode<TEndpoint>[] _nodes = [];
    private long _firstPopulated = long.MinValue;

    public EndpointNode<TEndpoint>[] Nodes => Volatile.Read(ref _nodes);

    /// <summary>
    /// Replaces the set. An endpoint that is new to the set ramps up from its <c>RegisteredAt</c> when it has one;
    /// without one it ramps from now only when it joins an established set: one whose first endpoint arrived at least
    /// <paramref name="initialMembersTicks"/> ago. Endpoints that arrive within that window (a new gRPC channel's
    /// subchannels turning Ready one by one) are initial members and start at full weight.
    /// </summary>
    public void Update(ReadOnlySpan<BalancerEndpoint<TEndpoint>> endpoints, TimeProvider timeProvider, long initialMembersTicks = 0)
    {
        lock (_gate)
        {
            var now = timeProvider.GetTimestamp();
            var utcNow = timeProvider.GetUtcNow();
            var frequency = (double)timeProvider.TimestampFrequency;
            var old = _nodes;
            var byKey = new Dictionary<string, EndpointNode<TEndpoint>>(old.Length, StringComparer.Ordinal);
            foreach (var node in old)
            {
                byKey[node.Key] = node;
            }

            var order = new List<string>(endpoints.Length);
            var next = new Dictionary<string, EndpointNode<TEndpoint>>(endpoints.Length, StringComparer.Ordinal);
            foreach (ref readonly var endpoint in endpoints)
            {
                ArgumentNullException.ThrowIfNull(endpoint.Value, nameof(endpoints));
                ArgumentException.ThrowIfNullOrEmpty(endpoint.Key, nameof(endpoints));
                var weight = Math.Clamp(endpoint.Weight, LoadBalancingConstants.MinWeight, LoadBalancingConstants.MaxWeight);
                if (!next.ContainsKey(endpoint.Key))
                {
                    order.Add(endpoint.Key);
                }

                if (byKey.TryGetValue(endpoint.Key, out var existing))
                {
                    existing.Value = endpoint.Value;
                    existing.Weight = weight;
                    if (endpoint.RegisteredAt is { } registeredAt && registeredAt != existing.RegisteredAt)
                    {
                        // The instance re-registered (a restart under the same id): ramp it up again.
                        existing.RegisteredAt = registeredAt;
                        Volatile.Write(ref existing.RampStart, RampStartFor(registeredAt, now, utcNow, frequency));
                    }

                    next[endpoint.Key] = existing;
                }
                else
                {
                    var established = _firstPopulated != long.MinValue && now - _firstPopulated >= initialMembersTicks;
                    var rampStart = endpoint.RegisteredAt is { } registeredAt
                        ? RampStartFor(registeredAt, now, utcNow, frequency)
                        : established ? now : EndpointNode<TEndpoint>.NoRamp;
                    next[endpoint.Key] = new EndpointNode<TEndpoint>(endpoint.Value, endpoint.Key, weight, rampStart, endpoint.RegisteredAt, now);
                }
            }

            var nodes = new EndpointNode<TEndpoint>[order.Count];
            for (var i = 0; i < nodes.Length; i++)
            {
                nodes[i] = next[order[i]];
            }

            if (_firstPopulated == long.MinValue && nodes.Length > 0)
            {
                _firstPopulated = now;
            }
            Volatile.Write(ref _nodes, nodes);
        }
    }

    private static long RampStartFor(DateTimeOffset registeredAt, long now, DateTimeOffset utcNow, double frequency)
    {
        var age = utcNow - registeredAt;
        if (age <= TimeSpan.Zero)
        {
            return now; // registered "in the future" (clock skew): start the ramp now.
        }

        return now - (long)(age.TotalSeconds * frequency);
    }
}

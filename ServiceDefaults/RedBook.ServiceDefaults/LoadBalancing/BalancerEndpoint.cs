namespace RedBook.ServiceDefaults.LoadBalancing;

/// <summary>One endpoint offered to a balancer.</summary>
/// <typeparam name="TEndpoint">The endpoint type.</typeparam>
/// <param name="Value">The endpoint itself; returned by picks.</param>
/// <param name="Key">A stable identity: statistics follow the key across updates (an instance id, an address).</param>
/// <param name="Weight">The relative weight, 1 to 1000 (100 is normal). Out-of-range values are clamped, so one bad
/// registration cannot break picking for a whole service.</param>
/// <param name="RegisteredAt">When the instance registered: the start of its slow-start ramp. Null means "long ago",
/// unless the endpoint joins an already populated balancer, in which case the ramp starts when it is first seen.</param>
public readonly record struct BalancerEndpoint<TEndpoint>(TEndpoint Value, string Key, int Weight = 100, DateTimeOffset? RegisteredAt = null)
    where TEndpoint : class;

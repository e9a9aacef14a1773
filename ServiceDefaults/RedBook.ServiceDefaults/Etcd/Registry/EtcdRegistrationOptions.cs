using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Etcd.Registry;

/// <summary>
/// Who this instance is, as it registers in etcd at <c>/redbook/services/{Name}/{InstanceId}</c>. Bound from
/// <c>RedBook:Service</c>. Zone, colour, weight and version changes are re-published live on the same lease.
/// </summary>
public sealed class EtcdRegistrationOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "RedBook:Service";

    /// <summary>Whether this instance registers itself (discovery works either way).</summary>
    /// <value>True.</value>
    public bool Register { get; set; } = true;

    /// <summary>The logical service name (<c>feed</c>); callers address it as <c>http://feed</c>.</summary>
    /// <value>The host's application name when not set.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]*$", ErrorMessage = "The service name must be letters, digits, '.', '_' or '-'.")]
    public string? Name { get; set; }

    /// <summary>A stable id of this instance, unique within the service. Read once, at the first registration.</summary>
    /// <value>The machine name and a random suffix when not set.</value>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]*$", ErrorMessage = "The instance id must be letters, digits, '.', '_' or '-'.")]
    public string? InstanceId { get; set; }

    /// <summary>The zone the instance runs in.</summary>
    /// <value>Null.</value>
    public string? Zone { get; set; }

    /// <summary>The traffic colour the instance serves (see <see cref="RedBook.ServiceDefaults.Discovery.EndpointColorFilter"/>); null for normal traffic.</summary>
    /// <value>Null.</value>
    public string? Color { get; set; }

    /// <summary>The relative weight for the balancer, 1 to 1000.</summary>
    /// <value>100.</value>
    [Range(1, 1000)]
    public int Weight { get; set; } = 100;

    /// <summary>The build version the instance runs.</summary>
    /// <value>The entry assembly's informational version when not set.</value>
    public string? Version { get; set; }

    /// <summary>
    /// The addresses callers should use (<c>http://10.0.0.4:8080</c>). When empty, the addresses the server
    /// listens on are used, with a wildcard host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) replaced by
    /// <see cref="AdvertisedHost"/>.
    /// </summary>
    /// <value>Empty.</value>
    public IList<string> Addresses { get; } = [];

    /// <summary>The host name that replaces a wildcard listen address.</summary>
    /// <value>The machine's DNS host name when not set.</value>
    public string? AdvertisedHost { get; set; }

    /// <summary>The TTL of the registration lease; it is kept alive every third of it. A crashed instance disappears after at most this long.</summary>
    /// <value>10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:02", "00:05:00")]
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(10);
}

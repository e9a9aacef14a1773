using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// What the RedBook pipeline does for one named <see cref="HttpClient"/>. Bound per client name, in two layers:
/// <c>RedBook:Clients:Defaults</c> first, then <c>RedBook:Clients:{name}</c> on top, so a client's own section only
/// needs the keys it changes. Read through <c>IOptionsMonitor&lt;RedBookClientOptions&gt;.Get(name)</c>; a
/// configuration reload rebuilds the client's pipeline on its next request, without a restart. A knob left
/// unset (null) keeps the HA library's own default for that behaviour.
/// </summary>
public sealed class RedBookClientOptions : IValidatableObject
{
    /// <summary>The configuration section that holds the client sections.</summary>
    public const string SectionName = "RedBook:Clients";

    /// <summary>The name of the section every client inherits from.</summary>
    public const string DefaultsSectionName = "Defaults";

    /// <summary>Endpoint picking for logical service names.</summary>
    public ClientLoadBalancingOptions LoadBalancing { get; set; } = new();

    /// <summary>Deadline propagation: shrink, fail fast, <c>grpc-timeout</c>.</summary>
    public ClientDeadlineOptions Deadline { get; set; } = new();

    /// <summary>Metadata propagation (<c>x-md-global-*</c>, colour, caller, user id).</summary>
    public ClientMetadataOptions Metadata { get; set; } = new();

    /// <summary>The SRE adaptive-throttling breaker, one per endpoint.</summary>
    public ClientBreakerOptions Breaker { get; set; } = new();

    /// <summary>Budgeted retries of idempotent calls.</summary>
    public ClientRetryOptions Retry { get; set; } = new();

    /// <summary>Client RED metrics.</summary>
    public ClientTelemetryOptions Telemetry { get; set; } = new();

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        foreach (var (name, section) in new (string, object)[]
        {
            (nameof(LoadBalancing), LoadBalancing), (nameof(Deadline), Deadline), (nameof(Metadata), Metadata),
            (nameof(Breaker), Breaker), (nameof(Retry), Retry), (nameof(Telemetry), Telemetry),
        })
        {
            var nested = new List<ValidationResult>();
            if (!Validator.TryValidateObject(section, new ValidationContext(section), nested, validateAllProperties: true))
            {
                results.AddRange(nested.Select(r => new ValidationResult(
                    $"{name}: {r.ErrorMessage}", [.. r.MemberNames.Select(m => $"{name}.{m}")])));
            }
        }

        return results;
    }
}

/// <summary>How a client picks one endpoint of a logical service.</summary>
public enum LoadBalancingPolicy
{
    /// <summary>
    /// Power of two choices over latency and success EWMAs, in-flight counts and the server's reported CPU, with slow
    /// start (the default). Tuned per service in <c>RedBook:LoadBalancing</c> / <c>RedBook:LoadBalancing:{service}</c>.
    /// </summary>
    PowerOfTwoChoices = 0,

    /// <summary>Plain round robin: the baseline the load lab compares against.</summary>
    RoundRobin = 1,
}

/// <summary>Endpoint picking (<c>RedBook:Clients:{name}:LoadBalancing</c>).</summary>
public sealed class ClientLoadBalancingOptions
{
    /// <summary>Resolve logical names and pick an endpoint. <value>Defaults to true.</value> When false, the request goes to the URI as written.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The policy. <value>Defaults to <see cref="LoadBalancingPolicy.PowerOfTwoChoices"/>.</value></summary>
    public LoadBalancingPolicy Policy { get; set; } = LoadBalancingPolicy.PowerOfTwoChoices;
}

/// <summary>Deadline propagation (<c>RedBook:Clients:{name}:Deadline</c>).</summary>
public sealed class ClientDeadlineOptions
{
    /// <summary>Propagate and enforce deadlines. <value>Defaults to true.</value></summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The timeout of a call made with no ambient deadline. <value>Null keeps the deadline strategy's default.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan? DefaultTimeout { get; set; }

    /// <summary>How much of the remaining budget is kept back for this hop's own work. <value>Null keeps the strategy's default.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan? Reserve { get; set; }

    /// <summary>Below this remaining budget the call fails fast without being sent. <value>Null keeps the strategy's default.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan? Minimum { get; set; }
}

/// <summary>Metadata propagation (<c>RedBook:Clients:{name}:Metadata</c>).</summary>
public sealed class ClientMetadataOptions
{
    /// <summary>Send the ambient metadata and the caller's name. <value>Defaults to true.</value> Switch off for third-party hosts.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>The per-endpoint SRE breaker (<c>RedBook:Clients:{name}:Breaker</c>).</summary>
public sealed class ClientBreakerOptions
{
    /// <summary>Throttle calls to failing endpoints. <value>Defaults to true.</value></summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The SRE K (accept multiplier). <value>Null keeps the breaker's default.</value></summary>
    [Range(1.0, 10.0)]
    public double? K { get; set; }

    /// <summary>Below this many requests in the window nothing is dropped. <value>Null keeps the breaker's default.</value></summary>
    [Range(0, 1_000_000)]
    public int? MinimumRequests { get; set; }

    /// <summary>The rolling window. <value>Null keeps the breaker's default.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan? Window { get; set; }

    /// <summary>How long the breaker may drop everything before one call goes through as a probe. <value>Null keeps the breaker's default.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan? ProbeInterval { get; set; }

    /// <summary>The run of successes in a row that lifts every drop (0: no recovery ramp). <value>Null keeps the breaker's default.</value></summary>
    [Range(0, 10_000)]
    public int? RecoverySuccesses { get; set; }
}

/// <summary>Budgeted retries (<c>RedBook:Clients:{name}:Retry</c>).</summary>
public sealed class ClientRetryOptions
{
    /// <summary>Retry idempotent calls within the budget. <value>Defaults to true.</value></summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Attempts per call, the first included. <value>Null keeps the retry strategy's default.</value></summary>
    [Range(1, 10)]
    public int? MaxAttempts { get; set; }

    /// <summary>The share of recent requests that may be retries. <value>Null keeps the budget's default.</value></summary>
    [Range(0.0, 10.0)]
    public double? BudgetRatio { get; set; }

    /// <summary>Retries always allowed per second, whatever the ratio. <value>Null keeps the budget's default.</value></summary>
    [Range(0, 10_000)]
    public int? MinRetriesPerSecond { get; set; }

    /// <summary>The first backoff delay. <value>Null keeps the retry strategy's default.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan? BaseDelay { get; set; }

    /// <summary>The backoff cap. <value>Null keeps the retry strategy's default.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan? MaxDelay { get; set; }
}

/// <summary>Client RED metrics (<c>RedBook:Clients:{name}:Telemetry</c>).</summary>
public sealed class ClientTelemetryOptions
{
    /// <summary>Record requests, errors and duration with method, peer and code. <value>Defaults to true.</value></summary>
    public bool Enabled { get; set; } = true;
}

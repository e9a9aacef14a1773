using System.ComponentModel.DataAnnotations;
using Polly;
using RedBook.ServiceDefaults.Resilience;

namespace RedBook.ServiceDefaults.Retry;

/// <summary>
/// Options of the budgeted retry strategy: exponential backoff with ±<see cref="Jitter"/> and a cap, a retry budget
/// shared per dependency, and the classification of outcomes. Binds from configuration
/// (<c>RedBook:Resilience:{dependency}:Retry</c>).
/// </summary>
/// <remarks>
/// The strategy retries an outcome only when all of these hold: fewer than <see cref="MaxAttempts"/> attempts were
/// made; <see cref="ShouldRetry"/> says it is retryable; it is not the global overloaded outcome
/// (<see cref="IsOverloaded"/>, returned unchanged so the layer above re-emits it); the call is idempotent
/// (<see cref="RedBookResilienceKeys.Idempotent"/> or <see cref="AssumeIdempotent"/>); the server did not push back
/// with "do not retry"; the delay fits in the call's remaining deadline; and the budget grants a retry.
/// </remarks>
/// <typeparam name="TResult">The result type.</typeparam>
public class BudgetedRetryStrategyOptions<TResult> : ResilienceStrategyOptions, IValidatableObject
{
    /// <summary>Initializes the options with their defaults.</summary>
    public BudgetedRetryStrategyOptions() => Name = BudgetedRetryConstants.DefaultName;

    /// <summary>Gets or sets the dependency whose retry budget this strategy shares.</summary>
    /// <value>The default is <see langword="null"/>: the strategy's <see cref="ResilienceStrategyOptions.Name"/>.</value>
    public string? Dependency { get; set; }

    /// <summary>Gets or sets the most attempts per call, the first included.</summary>
    /// <value>Between 1 and 10. The default is 3.</value>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = BudgetedRetryConstants.DefaultMaxAttempts;

    /// <summary>Gets or sets the delay before the first retry, before jitter.</summary>
    /// <value>Between 0 and 1 minute. The default is 50 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BaseDelay { get; set; } = BudgetedRetryConstants.DefaultBaseDelay;

    /// <summary>Gets or sets the multiplier applied to the delay for each further retry.</summary>
    /// <value>Between 1 and 10. The default is 2.</value>
    [Range(1.0, 10.0)]
    public double BackoffFactor { get; set; } = BudgetedRetryConstants.DefaultBackoffFactor;

    /// <summary>Gets or sets the cap: no delay (jitter included) is ever longer.</summary>
    /// <value>Between 0 and 1 hour, and at least <see cref="BaseDelay"/>. The default is 1 s.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxDelay { get; set; } = BudgetedRetryConstants.DefaultMaxDelay;

    /// <summary>
    /// Gets or sets the multiplicative jitter: the n-th delay is
    /// <c>min(min(BaseDelay × BackoffFactor^(n−1), MaxDelay) × U(1 − Jitter, 1 + Jitter), MaxDelay)</c>
    /// (gRPC's ±20% connection-backoff jitter, clipped at the cap), truncated to whole milliseconds.
    /// </summary>
    /// <value>Between 0 and 1. The default is 0.2.</value>
    [Range(0.0, 1.0)]
    public double Jitter { get; set; } = BudgetedRetryConstants.DefaultJitter;

    /// <summary>Gets or sets whether calls without the <see cref="RedBookResilienceKeys.Idempotent"/> mark may be retried.</summary>
    /// <value>The default is <see langword="false"/>: unmarked calls are never retried.</value>
    public bool AssumeIdempotent { get; set; }

    /// <summary>Gets or sets the retry budget of the dependency.</summary>
    /// <value>20% of first attempts plus 10 retries per second over 10 s by default.</value>
    public RetryBudgetOptions Budget { get; set; } = new();

    /// <summary>
    /// Gets or sets where the shared budget comes from. With <see langword="null"/> the strategy keeps a budget of its
    /// own, shared by every call through this pipeline instance.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IRetryBudgetProvider? BudgetProvider { get; set; }

    /// <summary>Gets or sets which outcomes are worth a retry.</summary>
    /// <value>The default is <see cref="RedBookOutcomes.IsTransient{TResult}"/>.</value>
    [Required]
    public Func<Outcome<TResult>, bool> ShouldRetry { get; set; } = RedBookOutcomes.IsTransient;

    /// <summary>Gets or sets which outcomes are the global "overloaded, do not retry" outcome.</summary>
    /// <value>The default is <see cref="RedBookOutcomes.IsOverloaded{TResult}"/>.</value>
    [Required]
    public Func<Outcome<TResult>, bool> IsOverloaded { get; set; } = RedBookOutcomes.IsOverloaded;

    /// <summary>
    /// Gets or sets how the server's pushback is read: null for none, a negative value for "do not retry", otherwise
    /// the delay to use instead of the backoff.
    /// </summary>
    /// <value>The default is <see cref="RedBookOutcomes.GetPushback{TResult}"/>.</value>
    [Required]
    public Func<Outcome<TResult>, TimeSpan?> PushbackSelector { get; set; } = RedBookOutcomes.GetPushback;

    /// <summary>Gets or sets the source of uniform random numbers in [0, 1) for the jitter (seed it in tests).</summary>
    /// <value>The default is <see langword="null"/>: <see cref="Random.Shared"/>.</value>
    public Func<double>? RandomSource { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxDelay < BaseDelay)
        {
            yield return new ValidationResult("MaxDelay must be at least BaseDelay.", [nameof(MaxDelay)]);
        }

        if (Budget is null)
        {
            yield return new ValidationResult("Budget is required.", [nameof(Budget)]);
            yield break;
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(Budget, new ValidationContext(Budget), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                yield return new ValidationResult($"Budget: {result.ErrorMessage}", result.MemberNames.Select(m => $"{nameof(Budget)}.{m}"));
            }
        }
    }
}

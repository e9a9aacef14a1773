using System.ComponentModel.DataAnnotations;
using Polly;

namespace RedBook.ServiceDefaults.Deadline;

/// <summary>
/// Options of the deadline strategy: the budget a call to one dependency gets, how much of it is kept back, and
/// when not to call at all. Binds from configuration (<c>RedBook:Resilience:{dependency}:Deadline</c>).
/// </summary>
/// <remarks>
/// The call's deadline is the earliest of: the deadline of an enclosing deadline strategy on the same context, the
/// ambient <see cref="RequestDeadline.Current"/>, and now + <see cref="MaxTimeout"/> (when set); when none of these
/// exists, now + <see cref="DefaultTimeout"/>. The budget passed downstream is
/// <c>remaining − Reserve − remaining × ReserveRatio</c>. Below <see cref="MinimumBudget"/> the strategy fails
/// fast without calling; otherwise it cancels the callee when the budget runs out.
/// </remarks>
public class DeadlineStrategyOptions : ResilienceStrategyOptions
{
    /// <summary>Initializes the options with their defaults.</summary>
    public DeadlineStrategyOptions() => Name = DeadlineConstants.DefaultName;

    /// <summary>Gets or sets the timeout applied when no deadline is set.</summary>
    /// <value>Between 1 ms and 1 day. The default is 100 ms (mio's internal default).</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan DefaultTimeout { get; set; } = DeadlineConstants.DefaultTimeout;

    /// <summary>Gets or sets an upper bound on the budget even when a longer deadline is inherited.</summary>
    /// <value>Null (no bound) or between 1 ms and 1 day. The default is <see langword="null"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan? MaxTimeout { get; set; }

    /// <summary>Gets or sets the absolute time kept back from the downstream budget, for the caller to handle the outcome.</summary>
    /// <value>Between 0 and 1 minute. The default is 5 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan Reserve { get; set; } = DeadlineConstants.DefaultReserve;

    /// <summary>Gets or sets the fraction of the remaining time kept back, on top of <see cref="Reserve"/>.</summary>
    /// <value>Between 0 and 0.9. The default is 0.</value>
    [Range(0.0, 0.9)]
    public double ReserveRatio { get; set; }

    /// <summary>
    /// Gets or sets the smallest budget worth calling with; below it the strategy fails fast without calling. The
    /// cancellation timer has millisecond resolution (it fires at the budget truncated to whole milliseconds, never
    /// later), hence the 1 ms floor.
    /// </summary>
    /// <value>Between 1 ms and 1 minute. The default is 1 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MinimumBudget { get; set; } = DeadlineConstants.DefaultMinimumBudget;

    /// <summary>
    /// Gets or sets whether the strategy also publishes the shrunk deadline as the ambient
    /// <see cref="RequestDeadline.Current"/> while the callee runs. The context always carries it
    /// (<c>context.GetRequestDeadline()</c>); the ambient copy costs one ExecutionContext allocation per call.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool FlowAmbientDeadline { get; set; }
}

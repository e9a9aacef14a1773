using Polly;
using RedBook.ServiceDefaults.Deadline;

namespace RedBook.ServiceDefaults.Resilience;

/// <summary>Reads and writes RedBook's properties on a <see cref="ResilienceContext"/> without allocating.</summary>
public static class RedBookResilienceContextExtensions
{
    private static readonly object s_true = true;
    private static readonly object s_false = false;
    private static readonly ResiliencePropertyKey<object> s_idempotentRaw = new(RedBookResilienceKeys.Idempotent.Key);

    /// <summary>Marks the call as idempotent (or not) for the retry strategy (<see cref="RedBookResilienceKeys.Idempotent"/>).</summary>
    public static ResilienceContext SetIdempotent(this ResilienceContext context, bool idempotent)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Store a cached box under the same key, so marking every GET does not allocate.
        context.Properties.Set(s_idempotentRaw, idempotent ? s_true : s_false);
        return context;
    }

    /// <summary>True when the call is marked idempotent (<see cref="RedBookResilienceKeys.Idempotent"/>).</summary>
    public static bool IsIdempotent(this ResilienceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Properties.GetValue(RedBookResilienceKeys.Idempotent, false);
    }

    /// <summary>
    /// The deadline the innermost deadline strategy gave this call (already shrunk by its reserve), or
    /// <see cref="RequestDeadline.None"/> when no deadline strategy is running. The HTTP layer writes
    /// <c>grpc-timeout</c> from <c>GetRequestDeadline().Remaining(timeProvider)</c>.
    /// </summary>
    public static RequestDeadline GetRequestDeadline(this ResilienceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Properties.TryGetValue(DeadlineConstants.LeaseKey, out var lease) && lease is not null
            ? lease.Deadline
            : RequestDeadline.None;
    }

    /// <summary>
    /// True when a deadline strategy on this context cancelled the call because its budget ran out (as opposed to
    /// the caller cancelling). Strategies inside the deadline use it to tell a timeout of the dependency from a
    /// caller that gave up: the SRE breaker counts the first as a failure and ignores the second.
    /// </summary>
    public static bool IsDeadlineElapsed(this ResilienceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Properties.TryGetValue(DeadlineConstants.LeaseKey, out var lease) && lease is not null && lease.HasElapsed();
    }

    /// <summary>
    /// The effective deadline for work done in this context: the earlier of the context's deadline
    /// (<see cref="GetRequestDeadline"/>) and the ambient <see cref="RequestDeadline.Current"/>.
    /// </summary>
    public static RequestDeadline GetEffectiveDeadline(this ResilienceContext context)
        => context.GetRequestDeadline().Min(RequestDeadline.Current);
}

using System.Runtime.CompilerServices;
using Polly;

namespace RedBook.ServiceDefaults.Resilience;

/// <summary>
/// Replaces the execution <see cref="ResilienceContext.CancellationToken"/>, which Polly's own timeout and hedging
/// strategies do through an internal setter that Polly.Core 8.x does not expose to custom strategies. Creating a
/// child context instead would drop the caller's properties (<see cref="ResilienceProperties"/> cannot be
/// enumerated), so the deadline strategy calls the setter through <see cref="UnsafeAccessorAttribute"/>: no
/// reflection and no allocation. <c>DeadlineResilienceStrategyTests</c> fails loudly if a Polly upgrade renames it.
/// </summary>
internal static class ResilienceContextAccess
{
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_CancellationToken")]
    public static extern void SetCancellationToken(ResilienceContext context, CancellationToken cancellationToken);
}

using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Bff.Core.Degrade;

/// <summary>
/// Runs one dependency call of a screen: under the degrade switch, and within its own budget, the shorter of
/// <see cref="BffOptions.PartTimeout"/> and the request's remaining deadline less <see cref="BffOptions.ComposeReserve"/>
/// (the ambient <see cref="RequestDeadline"/>, which the gRPC client pipeline sends as <c>grpc-timeout</c>). A late
/// part therefore fails before the request does, and the screen still answers with the others.
/// </summary>
public sealed class PartRunner(IOptionsMonitor<BffOptions> options, TimeProvider timeProvider)
{
    /// <summary>The clock of the budgets.</summary>
    public TimeProvider TimeProvider => timeProvider;

    /// <summary>True when reads of <paramref name="dependency"/> are switched to degrade.</summary>
    public bool IsForced(BffDependency dependency) => options.CurrentValue.Degrade.IsForced(dependency);

    /// <summary>The budget of a call starting now: never more than the part timeout, and ending before the request's deadline by the reserve.</summary>
    public TimeSpan Budget()
    {
        var settings = options.CurrentValue;
        var current = RequestDeadline.Current;
        if (!current.HasValue)
        {
            return settings.PartTimeout;
        }

        var left = current.Remaining(timeProvider) - settings.ComposeReserve;
        return left < settings.PartTimeout ? left : settings.PartTimeout;
    }

    /// <summary>Runs <paramref name="call"/> under its budget (a deadline scope); fails at once when no budget is left.</summary>
    /// <exception cref="RedBookException">DEADLINE_EXCEEDED: the request's deadline leaves no time for the call.</exception>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var budget = Budget();
        if (budget <= TimeSpan.Zero)
        {
            throw new RedBookException(RedBookErrors.DeadlineExceeded("The request's deadline leaves no time for this part."));
        }

        using (RequestDeadline.Begin(budget, timeProvider))
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs an optional part that is not worth a copy (what the user liked): its value, or null, marked degraded in
    /// <paramref name="parts"/> as <paramref name="part"/>, when the switch is on or the call fails for any reason but
    /// the caller's cancellation.
    /// </summary>
    public async Task<T?> OptionalAsync<T>(BffDependency dependency, string part, DegradedParts parts, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (IsForced(dependency))
        {
            parts.Mark(part);
            return null;
        }

        try
        {
            return await RunAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // An optional part degrades on any failure: the screen answers without it.
        catch (Exception)
#pragma warning restore CA1031
        {
            parts.Mark(part);
            return null;
        }
    }

    /// <summary>
    /// True for an error that a copy must not hide, because it is the answer (the note does not exist, the input is
    /// invalid, the user may not): NOT_FOUND, INVALID_ARGUMENT, OUT_OF_RANGE, PERMISSION_DENIED, UNAUTHENTICATED,
    /// FAILED_PRECONDITION, ALREADY_EXISTS.
    /// </summary>
    public static bool IsDefinitive(Exception? error) => error is RedBookException
    {
        Error.Code: ErrorCode.NotFound or ErrorCode.InvalidArgument or ErrorCode.OutOfRange or ErrorCode.PermissionDenied
            or ErrorCode.Unauthenticated or ErrorCode.FailedPrecondition or ErrorCode.AlreadyExists,
    };
}

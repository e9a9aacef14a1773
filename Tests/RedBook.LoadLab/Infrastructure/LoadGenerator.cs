using System.Collections.Concurrent;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.LoadLab.Infrastructure;

/// <summary>How one call ended, from the caller's point of view.</summary>
public enum CallOutcome
{
    /// <summary>A 2xx response.</summary>
    Ok,

    /// <summary>The server shed it: the error model's overloaded reason.</summary>
    Shed,

    /// <summary>The deadline passed, or the budget was below the minimum.</summary>
    DeadlineExceeded,

    /// <summary>The client's breaker rejected it locally.</summary>
    BreakerOpen,

    /// <summary>Any other failure (5xx, connection error).</summary>
    Failed,
}

/// <summary>One call's record.</summary>
/// <param name="StartTimestamp">When the call started (<see cref="TimeProvider.System"/> timestamp).</param>
/// <param name="Latency">How long it took.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="ServedBy">The replica that answered, when one did.</param>
/// <param name="Reason">The error's reason (or the exception's type), for failures.</param>
public readonly record struct CallRecord(long StartTimestamp, TimeSpan Latency, CallOutcome Outcome, string? ServedBy, string? Reason = null);

/// <summary>
/// An open-loop load generator: it starts calls at a fixed rate whatever the latency (as real users do), so an
/// overloaded server cannot slow the offered load down. Calls due while the timer slept are started at once.
/// </summary>
public static class LoadGenerator
{
    /// <summary>Offers <paramref name="rate"/> calls per second for <paramref name="duration"/>, then waits for every call.</summary>
    public static async Task<IReadOnlyList<CallRecord>> RunAsync(double rate, TimeSpan duration, Func<CancellationToken, Task<CallRecord>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var time = TimeProvider.System;
        var records = new ConcurrentBag<CallRecord>();
        var running = new List<Task>();
        var total = (long)Math.Round(rate * duration.TotalSeconds);
        var start = time.GetTimestamp();
        long started = 0;
        while (started < total)
        {
            var elapsed = time.GetElapsedTime(start).TotalSeconds;
            var due = Math.Min(total, (long)(elapsed * rate) + 1);
            while (started < due)
            {
                started++;
                running.Add(Run(call, records));
            }

            var nextAt = TimeSpan.FromSeconds(started / rate) - time.GetElapsedTime(start);
            if (nextAt > TimeSpan.Zero)
            {
                await Task.Delay(nextAt, time).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        return [.. records.OrderBy(r => r.StartTimestamp)];
    }

    private static async Task Run(Func<CancellationToken, Task<CallRecord>> call, ConcurrentBag<CallRecord> records)
    {
        await Task.Yield();
        records.Add(await call(CancellationToken.None).ConfigureAwait(false));
    }

    /// <summary>Calls <paramref name="path"/> with <paramref name="client"/> and classifies the outcome.</summary>
    public static async Task<CallRecord> GetAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var time = TimeProvider.System;
        var start = time.GetTimestamp();
        try
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.RelativeOrAbsolute), cancellationToken).ConfigureAwait(false);
            var servedBy = response.Headers.TryGetValues(Backend.ServedByHeader, out var values) ? values.FirstOrDefault() : null;
            if (response.IsSuccessStatusCode)
            {
                return new CallRecord(start, time.GetElapsedTime(start), CallOutcome.Ok, servedBy);
            }

            var error = await response.ReadErrorAsync(cancellationToken).ConfigureAwait(false);
            return new CallRecord(start, time.GetElapsedTime(start), Classify(error), servedBy, error?.Reason);
        }
        catch (RedBookException ex)
        {
            return new CallRecord(start, time.GetElapsedTime(start), Classify(ex.Error), null, ex.Error.Reason);
        }
        catch (HttpRequestException ex)
        {
            return new CallRecord(start, time.GetElapsedTime(start), CallOutcome.Failed, null, ex.GetType().Name);
        }
    }

    private static CallOutcome Classify(RedBookError? error) => error switch
    {
        null => CallOutcome.Failed,
        { IsOverloaded: true } => CallOutcome.Shed,
        { Reason: WellKnownReasons.DeadlineExceeded } or { Code: ErrorCode.DeadlineExceeded } => CallOutcome.DeadlineExceeded,
        { Reason: WellKnownReasons.BreakerOpen } => CallOutcome.BreakerOpen,
        _ => CallOutcome.Failed,
    };
}

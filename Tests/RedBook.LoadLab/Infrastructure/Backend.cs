using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.LoadLab.Infrastructure;

/// <summary>
/// A sample backend endpoint (<c>GET /work</c>) whose behaviour a scenario sets and changes while it runs: a fixed
/// service time on <see cref="TimeProvider.System"/>, an optional fixed-size worker pool (capacity), and an optional
/// share of requests rejected with the error model's <c>Unavailable</c>. It counts what it received, admitted and
/// completed, and answers with its replica name in <c>x-served-by</c>.
/// </summary>
public sealed class Backend
{
    /// <summary>The header that names the replica that served a response.</summary>
    public const string ServedByHeader = "x-served-by";

    private long _received;
    private long _completed;
    private long _rejected;
    private long _rejectCounter;
    private int _busy;

    /// <summary>Creates a backend named <paramref name="name"/>.</summary>
    public Backend(string name, TimeSpan serviceTime, int? workers = null)
    {
        Name = name;
        ServiceTime = serviceTime;
        Workers = workers is { } n ? new SemaphoreSlim(n, n) : null;
        WorkerCount = workers ?? 0;
    }

    /// <summary>The replica name.</summary>
    public string Name { get; }

    /// <summary>How long one request's work takes.</summary>
    public TimeSpan ServiceTime { get; set; }

    /// <summary>The share of requests (0 to 1) rejected at once with 503 Unavailable, evenly spread.</summary>
    public double RejectRatio { get; set; }

    /// <summary>The worker pool; null means unlimited concurrency.</summary>
    public SemaphoreSlim? Workers { get; }

    /// <summary>The pool size (0 when unlimited).</summary>
    public int WorkerCount { get; }

    /// <summary>Workers busy right now.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Requests that reached the endpoint.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Requests completed with 200.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Requests rejected by <see cref="RejectRatio"/>.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Deadlines (remaining budget) seen on incoming <c>grpc-timeout</c> headers, in ms.</summary>
    public ConcurrentQueue<double> IncomingBudgetsMs { get; } = new();

    /// <summary>Resets the counters.</summary>
    public void ResetCounters()
    {
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _completed, 0);
        Interlocked.Exchange(ref _rejected, 0);
        IncomingBudgetsMs.Clear();
    }

    /// <summary>Maps <c>GET /work</c> on <paramref name="app"/>.</summary>
    public void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/work", (Delegate)HandleAsync);
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _received);
        context.Response.Headers[ServedByHeader] = Name;
        if (context.Request.Headers.TryGetValue(RedBookHeaders.GrpcTimeout, out var timeout)
            && ServiceDefaults.Deadline.GrpcTimeout.TryParse(timeout.ToString(), out var budget))
        {
            IncomingBudgetsMs.Enqueue(budget.TotalMilliseconds);
        }

        var ratio = RejectRatio;
        if (ratio > 0)
        {
            // Deterministic spreading: reject when the running count crosses a multiple of 1/ratio.
            var n = Interlocked.Increment(ref _rejectCounter);
            if (Math.Floor(n * ratio) != Math.Floor((n - 1) * ratio))
            {
                Interlocked.Increment(ref _rejected);
                throw new RedBookException(new RedBookError(ErrorCode.Unavailable, "LAB_BACKEND_FAILING", "The lab backend rejects this request."));
            }
        }

        var token = context.RequestAborted;
        if (Workers is { } workers)
        {
            await workers.WaitAsync(token).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _busy);
        try
        {
            await Task.Delay(ServiceTime, TimeProvider.System, token).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _busy);
            Workers?.Release();
        }

        Interlocked.Increment(ref _completed);
        return Results.Text(Name);
    }
}

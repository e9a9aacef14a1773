using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RedBook.LoadLab.Infrastructure;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Http;

namespace RedBook.LoadLab.Scenarios;

/// <summary>
/// 4. Deadline chain. The caller gives A a 200 ms budget; A calls B; B spends its own time, then calls C. B's client
/// for C has a 50 ms minimum budget (<c>RedBook:Clients:c:Deadline:Minimum</c>). Every service runs the
/// <c>AddServiceDefaults</c> server pipeline (the deadline from <c>grpc-timeout</c>, cancelling the request's work
/// when it passes) and the client pipeline (shrink, fail fast, <c>grpc-timeout</c>). Each hop records the budget it
/// received, and any piece of work that ran to completion past its hop's deadline.
/// </summary>
public static class DeadlineChainScenario
{
    /// <summary>The caller's budget.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(200);

    /// <summary>B's client's minimum budget for C.</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromMilliseconds(50);

    /// <summary>Calls per second offered to A.</summary>
    public const double Rate = 20;

    /// <summary>Runs the scenario.</summary>
    public static async Task<ScenarioReport> RunAsync(LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var report = new ScenarioReport(
            "4. Deadline chain A→B→C, 200 ms budget",
            $"The caller sets a {Budget.TotalMilliseconds:0} ms deadline and calls A → B → C at {Rate:0} rps for {scale.Duration.TotalSeconds:0} s per variant. B's client for C: minimum budget {Minimum.TotalMilliseconds:0} ms; every client keeps the default 5 ms reserve; retries and breakers are off for these clients, so every figure is the deadline's (with breakers on, the repeated DeadlineExceeded answers open them, as they should). \"Late work\" = a unit of work still running when its hop was told to stop (the request's cancellation fired at the deadline) that ran to completion anyway.",
            "Variant", "Calls", "Caller OK", "Caller failures (reason × count)", "C called", "Min budget C received (ms)", "Caller p99 ms", "Late work (A/B/C)");
        var variants = new[]
        {
            ("B spends 150 ms, C 20 ms", TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(20)),
            ("B spends 100 ms, C 20 ms", TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(20)),
            ("B spends 100 ms, C 200 ms", TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)),
        };
        var lowestBudget = double.PositiveInfinity;
        var late = 0L;
        long cCalledAt150 = -1;
        foreach (var (name, bSpend, cWork) in variants)
        {
            var v = await RunVariantAsync(bSpend, cWork, scale).ConfigureAwait(false);
            report.Row(
                name,
                v.Calls.Count.ToString(CultureInfo.InvariantCulture),
                v.Calls.Count(c => c.Outcome == CallOutcome.Ok).ToString(CultureInfo.InvariantCulture),
                Stats.Failures(v.Calls),
                v.CCalled.ToString(CultureInfo.InvariantCulture),
                v.CBudgets.Count == 0 ? "not called" : Stats.F(v.CBudgets.Min(), 1),
                Stats.F(Stats.PercentileMs(v.Calls, 99)),
                $"{v.LateA}/{v.LateB}/{v.LateC}");
            lowestBudget = Math.Min(lowestBudget, v.CBudgets.Count == 0 ? double.PositiveInfinity : v.CBudgets.Min());
            late += v.LateA + v.LateB + v.LateC;
            if (bSpend == TimeSpan.FromMilliseconds(150))
            {
                cCalledAt150 = v.CCalled;
            }
        }

        report.Check("C is never called with less than the minimum budget (lowest budget C received, ms)", $"≥ {Minimum.TotalMilliseconds:0} ms", lowestBudget, lowestBudget >= Minimum.TotalMilliseconds, 1);
        report.Check("150 ms spent in B: B fails fast, C is not called", "0 calls", cCalledAt150, cCalledAt150 == 0, 0);
        report.Check("nobody works after the caller gave up", "0 late units", late, late == 0, 0);
        return report;
    }

    /// <summary>The figures of one variant.</summary>
    public sealed record Variant(IReadOnlyList<CallRecord> Calls, long CCalled, IReadOnlyList<double> CBudgets, long LateA, long LateB, long LateC);

    /// <summary>Starts A, B and C and a caller, and offers the load.</summary>
    public static async Task<Variant> RunVariantAsync(TimeSpan bSpend, TimeSpan cWork, LabScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var late = new long[3];
        long cCalled = 0;
        var cBudgets = new System.Collections.Concurrent.ConcurrentQueue<double>();

        await using var c = await LoopbackService.StartAsync("c", app => app.MapGet("/c", async (HttpContext ctx) =>
        {
            Interlocked.Increment(ref cCalled);
            if (ctx.Request.Headers.TryGetValue(RedBookHeaders.GrpcTimeout, out var t) && GrpcTimeout.TryParse(t.ToString(), out var budget))
            {
                cBudgets.Enqueue(budget.TotalMilliseconds);
            }

            await WorkAsync(cWork, late, 2, ctx).ConfigureAwait(false);
            return Results.Text("c");
        })).ConfigureAwait(false);

        await using var b = await LoopbackService.StartAsync(
            "b",
            app => app.MapGet("/b", async (HttpContext ctx, IHttpClientFactory clients) =>
            {
                await WorkAsync(bSpend, late, 1, ctx).ConfigureAwait(false);
                using var response = await clients.CreateClient("c").GetAsync(new Uri("http://c/c"), ctx.RequestAborted).ConfigureAwait(false);
                await response.EnsureRedBookSuccessAsync(ctx.RequestAborted).ConfigureAwait(false);
                return Results.Text("b");
            }),
            builder => builder.Services.AddHttpClient("c").AddRedBookPipeline(),
            new Dictionary<string, string?>
            {
                ["services:c:http:0"] = c.Address.ToString(),
                ["RedBook:Clients:c:Deadline:Minimum"] = Minimum.ToString(),
                ["RedBook:Clients:c:Retry:Enabled"] = "false",
                ["RedBook:Clients:c:Breaker:Enabled"] = "false",
            }).ConfigureAwait(false);

        await using var a = await LoopbackService.StartAsync(
            "a",
            app => app.MapGet("/a", async (HttpContext ctx, IHttpClientFactory clients) =>
            {
                await WorkAsync(TimeSpan.FromMilliseconds(1), late, 0, ctx).ConfigureAwait(false);
                using var response = await clients.CreateClient("b").GetAsync(new Uri("http://b/b"), ctx.RequestAborted).ConfigureAwait(false);
                await response.EnsureRedBookSuccessAsync(ctx.RequestAborted).ConfigureAwait(false);
                return Results.Text("a");
            }),
            builder => builder.Services.AddHttpClient("b").AddRedBookPipeline(),
            new Dictionary<string, string?>
            {
                ["services:b:http:0"] = b.Address.ToString(),
                ["RedBook:Clients:b:Retry:Enabled"] = "false",
                ["RedBook:Clients:b:Breaker:Enabled"] = "false",
            }).ConfigureAwait(false);

        await using var caller = await ClientHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["services:a:http:0"] = a.Address.ToString(),
                ["RedBook:Clients:a:Retry:Enabled"] = "false",
                ["RedBook:Clients:a:Breaker:Enabled"] = "false",
            },
            "a").ConfigureAwait(false);
        var client = caller.Client("a");

        // Warm up (JIT, connections) with a generous budget, then measure with the 200 ms one.
        for (var i = 0; i < 5; i++)
        {
            using (RequestDeadline.Begin(TimeSpan.FromSeconds(5), TimeProvider.System))
            {
                await LoadGenerator.GetAsync(client, "http://a/a", CancellationToken.None).ConfigureAwait(false);
            }
        }

        Array.Clear(late);
        Interlocked.Exchange(ref cCalled, 0);
        cBudgets.Clear();
        var calls = await LoadGenerator.RunAsync(Rate, scale.Duration, async ct =>
        {
            using (RequestDeadline.Begin(Budget, TimeProvider.System))
            {
                return await LoadGenerator.GetAsync(client, "http://a/a", ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);

        // Let work that would have run on past the deadlines finish (or be cancelled) before counting.
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System).ConfigureAwait(false);
        return new Variant(calls, Interlocked.Read(ref cCalled), [.. cBudgets], late[0], late[1], late[2]);
    }

    /// <summary>
    /// One unit of a hop's work: <paramref name="work"/> long, cancelled with the request. It is late work if it was
    /// still running when its hop was told to stop (the request's cancellation fired: the deadline passed, or the
    /// caller went away) and then ran to completion all the same, i.e. if the hop did not observe its cancellation.
    /// On a loaded machine the runtime may fire a deadline's timer late (tens of ms with both cores busy); work that
    /// finishes before it is told to stop is not the hop's fault and is not counted.
    /// </summary>
    private static async Task WorkAsync(TimeSpan work, long[] late, int hop, HttpContext context)
    {
        Task? running = null;
        var toldWhileRunning = 0;
        var cancellation = context.RequestAborted;

        // Registered before the work starts, so (callbacks run newest first) it runs after the work's own cancellation
        // callback: a unit that observes the token is cancelled by then, one that finished is complete by then.
        using (cancellation.UnsafeRegister(
            _ =>
            {
                if (Volatile.Read(ref running) is not { IsCompleted: true })
                {
                    Volatile.Write(ref toldWhileRunning, 1);
                }
            },
            null))
        {
            running = Task.Delay(work, TimeProvider.System, cancellation);
            await running.ConfigureAwait(false);
        }

        if (Volatile.Read(ref toldWhileRunning) != 0)
        {
            Interlocked.Increment(ref late[hop]);
        }
    }
}

using Microsoft.Extensions.Time.Testing;

namespace RedBook.Application.Tests.Support;

/// <summary>Drives a service whose whole clock is a <see cref="FakeTimeProvider"/>: its job timers fire as the clock moves.</summary>
public static class FakeClock
{
    /// <summary>
    /// Advances <paramref name="time"/> by <paramref name="step"/> until <paramref name="condition"/> holds, giving the work a
    /// fired timer started (real I/O) the chance to finish between steps; fails after <paramref name="limit"/> of fake time
    /// or a minute of real time.
    /// </summary>
    public static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<Task<bool>> condition, TimeSpan step, TimeSpan limit, string what)
    {
        var start = time.GetUtcNow();
        var realDeadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!await condition())
        {
            Assert.True(time.GetUtcNow() - start < limit && DateTime.UtcNow < realDeadline, $"{what} did not happen within {limit} of the service's clock");
            time.Advance(step);
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}

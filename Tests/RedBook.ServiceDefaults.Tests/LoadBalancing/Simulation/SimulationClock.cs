namespace RedBook.ServiceDefaults.Tests.LoadBalancing.Simulation;

/// <summary>
/// The simulated clock: the event loop sets <see cref="Ticks"/> before it handles each event, so every balancer
/// reads simulated time. Timestamps are 100 ns ticks. No timers: the simulation schedules its own events.
/// </summary>
public sealed class SimulationClock : TimeProvider
{
    private static readonly DateTimeOffset s_origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Simulated time since the start, in ticks (starts at one second, so 0 never means "unset").</summary>
    public long Ticks { get; set; } = TimeSpan.TicksPerSecond;

    public TimeSpan Elapsed => TimeSpan.FromTicks(Ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Ticks;

    public override DateTimeOffset GetUtcNow() => s_origin.AddTicks(Ticks);
}

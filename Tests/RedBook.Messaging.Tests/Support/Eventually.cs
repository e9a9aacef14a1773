namespace RedBook.Messaging.Tests.Support;

/// <summary>
/// Waits for a condition with a generous deadline (the machine is a loaded 2-core box): polls, and fails with the
/// description and the last observed state when the deadline passes. Never a timing assertion: only the condition counts.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task WaitAsync(Func<Task<bool>> condition, string description, Func<Task<string>>? state = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                var observed = state is null ? string.Empty : $" Last state: {await state()}";
                Assert.Fail($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds} s waiting until {description}.{observed}");
            }

            await Task.Delay(50);
        }
    }

    public static Task WaitAsync(Func<bool> condition, string description, Func<string>? state = null, TimeSpan? timeout = null) =>
        WaitAsync(() => Task.FromResult(condition()), description, state is null ? null : () => Task.FromResult(state()), timeout);
}

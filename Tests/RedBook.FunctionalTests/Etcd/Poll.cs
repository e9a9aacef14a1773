namespace RedBook.FunctionalTests.Etcd;

/// <summary>Polls a condition with a generous limit instead of sleeping fixed times.</summary>
internal static class Poll
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(20);

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? limit = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, limit);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? DefaultLimit);
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {limit ?? DefaultLimit} waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }
}

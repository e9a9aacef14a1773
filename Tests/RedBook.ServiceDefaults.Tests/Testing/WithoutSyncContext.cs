namespace RedBook.ServiceDefaults.Tests.Testing;

/// <summary>
/// Runs an action with no <see cref="SynchronizationContext"/>. The runtime inlines an await's continuation into the
/// thread that completes the awaited task only where no context is current; xunit's test thread has one, so a fake
/// clock advanced from it would queue the code it wakes to the thread pool, to run at some later fake time. Advancing
/// from here runs that code inside the Advance, at the fake time it was due.
/// </summary>
internal static class WithoutSyncContext
{
    public static void Run(Action action)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            action();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }
}

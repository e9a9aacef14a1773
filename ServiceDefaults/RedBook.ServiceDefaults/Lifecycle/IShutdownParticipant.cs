namespace RedBook.ServiceDefaults.Lifecycle;

/// <summary>
/// Takes part in graceful shutdown. When the host is asked to stop, RedBook first stops taking new work, then
/// calls every participant (the etcd registrar deregisters here, so callers stop picking this instance), then
/// drains in-flight requests within the configured delay. A second stop signal exits at once.
/// </summary>
public interface IShutdownParticipant
{
    /// <summary>Called once, at the start of graceful shutdown, before draining.</summary>
    Task OnShutdownStartingAsync(CancellationToken cancellationToken);
}

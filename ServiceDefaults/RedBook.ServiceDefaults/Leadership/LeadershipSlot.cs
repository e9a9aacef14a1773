namespace RedBook.ServiceDefaults.Leadership;

/// <summary>
/// The leader state both election kinds share: the current <see cref="LeaderTerm"/>, the waiters for the next one,
/// and the transition's log and metrics. Thread-safe.
/// </summary>
internal sealed class LeadershipSlot
{
    private readonly Lock _gate = new();
    private readonly LeadershipLog _log;
    private TaskCompletionSource<LeaderTerm> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LeaderTerm? _current;

    public LeadershipSlot(string name, LeadershipLog log)
    {
        Name = name;
        _log = log;
        LeadershipTelemetry.Register(this);
    }

    public string Name { get; }

    /// <summary>The leadership held now, or null.</summary>
    public LeaderTerm? Current
    {
        get
        {
            var current = Volatile.Read(ref _current);
            return current is { IsLost: false } ? current : null;
        }
    }

    public async Task<LeaderTerm> WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<LeaderTerm> next;
            lock (_gate)
            {
                if (_current is { IsLost: false } current)
                {
                    return current;
                }

                next = _next.Task;
            }

            var leadership = await next.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!leadership.IsLost)
            {
                return leadership;
            }
        }
    }

    /// <summary>Makes this instance the leader for <paramref name="term"/>.</summary>
    public LeaderTerm Acquire(string instanceId, long term, DateTimeOffset now)
    {
        var leadership = new LeaderTerm(Name, instanceId, term, now);
        TaskCompletionSource<LeaderTerm> waiters;
        lock (_gate)
        {
            _current = leadership;
            waiters = _next;
            _next = new TaskCompletionSource<LeaderTerm>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        LeadershipTelemetry.Transition(Name, LeadershipTelemetry.Acquired);
        _log.Acquired(Name, term, instanceId);
        waiters.TrySetResult(leadership);
        return leadership;
    }

    /// <summary>Ends <paramref name="leadership"/> (idempotent): its token is cancelled before this returns.</summary>
    public void StepDown(LeaderTerm leadership, string reason, bool resigned, DateTimeOffset now)
    {
        if (!leadership.End(reason, now))
        {
            return;
        }

        lock (_gate)
        {
            if (ReferenceEquals(_current, leadership))
            {
                _current = null;
            }
        }

        LeadershipTelemetry.Transition(Name, resigned ? LeadershipTelemetry.Resigned : LeadershipTelemetry.Lost);
        if (resigned)
        {
            _log.Resigned(Name, leadership.Term);
        }
        else
        {
            _log.Lost(Name, leadership.Term, reason);
        }
    }

    /// <summary>Stops reporting this election's gauge (the election was disposed).</summary>
    public void Unregister() => LeadershipTelemetry.Unregister(this);
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RedBook.ServiceDefaults.Leadership;

/// <summary>
/// An election decided by code: <see cref="Lead"/> makes this instance the leader for a term, <see cref="StepDown"/>
/// ends it. For tests of leader-gated work, and for hosts where something else decides who leads. Register it as the
/// keyed <see cref="ILeaderElection"/> before <c>AddRedBookLeaderElection</c> or <c>AddRedBookJob</c> name it, and
/// they use it as it is.
/// </summary>
public sealed class ManualLeaderElection : ILeaderElection
{
    private readonly LeadershipSlot _slot;
    private readonly TimeProvider _timeProvider;
    private readonly string _instanceId;

    /// <summary>Creates the election <paramref name="name"/>; nobody leads it until <see cref="Lead"/>.</summary>
    public ManualLeaderElection(string name = LeaderElectionConstants.DefaultElection, string instanceId = "manual", TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        Name = name;
        _instanceId = instanceId;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _slot = new LeadershipSlot(name, new LeadershipLog(logger ?? NullLogger.Instance));
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public LeaderTerm? Current => _slot.Current;

    /// <inheritdoc />
    public Task<LeaderTerm> WaitForLeadershipAsync(CancellationToken cancellationToken) => _slot.WaitAsync(cancellationToken);

    /// <summary>Makes this instance the leader for <paramref name="term"/>, ending the current term first.</summary>
    public LeaderTerm Lead(long term)
    {
        StepDown("a new term began");
        return _slot.Acquire(_instanceId, term, _timeProvider.GetUtcNow());
    }

    /// <summary>Ends the current term (if any) with <paramref name="reason"/>; its <see cref="LeaderTerm.LostToken"/> fires before this returns.</summary>
    public void StepDown(string reason = "stepped down")
    {
        if (_slot.Current is { } current)
        {
            _slot.StepDown(current, reason, resigned: false, _timeProvider.GetUtcNow());
        }
    }
}

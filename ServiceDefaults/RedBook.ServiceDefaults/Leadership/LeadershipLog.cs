using Microsoft.Extensions.Logging;

namespace RedBook.ServiceDefaults.Leadership;

/// <summary>The leader-election log lines (event ids 600–619).</summary>
internal sealed partial class LeadershipLog(ILogger logger)
{
    public void Acquired(string election, long term, string instanceId) => LogAcquired(logger, election, term, instanceId);

    public void Lost(string election, long term, string reason) => LogLost(logger, election, term, reason);

    public void Resigned(string election, long term) => LogResigned(logger, election, term);

    public void Following(string election, string holder, long term) => LogFollowing(logger, election, holder, term);

    public void CampaignFailed(string election, string reason, TimeSpan retryIn) => LogCampaignFailed(logger, election, reason, retryIn);

    public void RenewalFailed(string election, long leaseId, string reason) => LogRenewalFailed(logger, election, leaseId, reason);

    public void ResignWaitTimedOut(string election, TimeSpan waited) => LogResignWaitTimedOut(logger, election, waited);

    public void ReleaseFailed(string election, long leaseId, string reason) => LogReleaseFailed(logger, election, leaseId, reason);

    public void SingleInstance(string election) => LogSingleInstance(logger, election);

    [LoggerMessage(600, LogLevel.Information, "Leader of election {Election} (term {Term}) as {InstanceId}")]
    private static partial void LogAcquired(ILogger logger, string election, long term, string instanceId);

    [LoggerMessage(601, LogLevel.Warning, "Lost the leadership of election {Election} (term {Term}): {Reason}")]
    private static partial void LogLost(ILogger logger, string election, long term, string reason);

    [LoggerMessage(602, LogLevel.Information, "Resigned the leadership of election {Election} (term {Term})")]
    private static partial void LogResigned(ILogger logger, string election, long term);

    [LoggerMessage(603, LogLevel.Debug, "Following {Holder} in election {Election} (term {Term})")]
    private static partial void LogFollowing(ILogger logger, string election, string holder, long term);

    [LoggerMessage(604, LogLevel.Warning, "Campaign in election {Election} failed: {Reason}; retrying in {RetryIn}")]
    private static partial void LogCampaignFailed(ILogger logger, string election, string reason, TimeSpan retryIn);

    [LoggerMessage(605, LogLevel.Warning, "Could not renew lease {LeaseId} of election {Election}: {Reason}; retrying")]
    private static partial void LogRenewalFailed(ILogger logger, string election, long leaseId, string reason);

    [LoggerMessage(606, LogLevel.Warning, "Resigning election {Election}: its work did not stop within {Waited}; releasing the key anyway")]
    private static partial void LogResignWaitTimedOut(ILogger logger, string election, TimeSpan waited);

    [LoggerMessage(607, LogLevel.Warning, "Could not revoke lease {LeaseId} of election {Election} ({Reason}); it expires on its own")]
    private static partial void LogReleaseFailed(ILogger logger, string election, long leaseId, string reason);

    [LoggerMessage(608, LogLevel.Information, "No etcd is configured: this instance leads election {Election} alone")]
    private static partial void LogSingleInstance(ILogger logger, string election);
}

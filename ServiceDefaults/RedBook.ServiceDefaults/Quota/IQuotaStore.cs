namespace RedBook.ServiceDefaults.Quota;

/// <summary>
/// The server side of distributed quota (Doorman's protocol): a client reports what it wants and what it has for a
/// resource and gets a lease on a share of the resource's capacity. <see cref="InProcessQuotaStore"/> implements it
/// in process; <c>RedisQuotaStore</c> (RedBook.ServiceDefaults.Redis) shares one capacity across processes.
/// </summary>
public interface IQuotaStore
{
    /// <summary>Reports <paramref name="request"/>'s wants and has, and returns the client's new lease.</summary>
    /// <exception cref="Errors.RedBookException">The resource is unknown or the request invalid (code InvalidArgument / NotFound).</exception>
    ValueTask<QuotaLease> AcquireAsync(QuotaRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gives the client's lease back, so its capacity goes to others at once.</summary>
    ValueTask ReleaseAsync(string resource, string clientId, CancellationToken cancellationToken = default);
}

/// <summary>A client's report to the quota store.</summary>
/// <param name="Resource">The resource (a quota name, such as <c>feed-publish</c>).</param>
/// <param name="ClientId">A stable id of the client (instance) within the resource.</param>
/// <param name="Wants">The rate the client wants, in permits per second.</param>
/// <param name="Has">The rate the client believes it holds (its current lease, 0 for none).</param>
public readonly record struct QuotaRequest(string Resource, string ClientId, double Wants, double Has);

/// <summary>A lease on a share of a resource's capacity.</summary>
/// <param name="Resource">The resource.</param>
/// <param name="ClientId">The client.</param>
/// <param name="Granted">The granted rate, in permits per second.</param>
/// <param name="Expiry">When the lease ends unless refreshed; the client falls back to its static limit after this.</param>
/// <param name="RefreshInterval">How soon the client should refresh (well before <paramref name="Expiry"/>).</param>
public readonly record struct QuotaLease(string Resource, string ClientId, double Granted, DateTimeOffset Expiry, TimeSpan RefreshInterval);

namespace RedBook.ServiceDefaults.Etcd.Client;

/// <summary>The error reasons the etcd client raises (in <see cref="Errors.RedBookError.Reason"/>).</summary>
internal static class EtcdReasons
{
    /// <summary>No endpoint answered (code Unavailable).</summary>
    public const string Unavailable = "REDBOOK_ETCD_UNAVAILABLE";

    /// <summary>The caller passed a bad key, TTL or endpoint, or etcd rejected the request as invalid.</summary>
    public const string InvalidArgument = "REDBOOK_ETCD_INVALID_ARGUMENT";

    /// <summary>etcd refused the credentials (code Unauthenticated).</summary>
    public const string AuthFailed = "REDBOOK_ETCD_AUTH_FAILED";

    /// <summary>The lease does not exist (expired or revoked).</summary>
    public const string LeaseNotFound = "REDBOOK_ETCD_LEASE_NOT_FOUND";

    /// <summary>etcd answered with any other error; the code is etcd's.</summary>
    public const string RequestFailed = "REDBOOK_ETCD_REQUEST_FAILED";
}

namespace RedBook.ServiceDefaults.Errors;

/// <summary>
/// The canonical error codes of the RedBook error model. The numbers are gRPC's (google.rpc.Code), so a code
/// crosses HTTP and gRPC unchanged.
/// </summary>
public enum ErrorCode
{
    /// <summary>Not an error.</summary>
    Ok = 0,

    /// <summary>The caller cancelled the operation.</summary>
    Cancelled = 1,

    /// <summary>An error with no better code.</summary>
    Unknown = 2,

    /// <summary>The caller sent an invalid argument.</summary>
    InvalidArgument = 3,

    /// <summary>The deadline passed before the operation completed.</summary>
    DeadlineExceeded = 4,

    /// <summary>The entity was not found.</summary>
    NotFound = 5,

    /// <summary>The entity already exists.</summary>
    AlreadyExists = 6,

    /// <summary>The caller may not do this.</summary>
    PermissionDenied = 7,

    /// <summary>A quota, a rate limit or a load shedder refused the request.</summary>
    ResourceExhausted = 8,

    /// <summary>The system is not in the state the operation needs.</summary>
    FailedPrecondition = 9,

    /// <summary>A concurrency conflict, such as a failed compare-and-swap.</summary>
    Aborted = 10,

    /// <summary>The operation went past the valid range.</summary>
    OutOfRange = 11,

    /// <summary>The operation is not implemented or not supported.</summary>
    Unimplemented = 12,

    /// <summary>An internal invariant broke. Details stay in the log, never in the response.</summary>
    Internal = 13,

    /// <summary>The service is unavailable for now; a retry may succeed.</summary>
    Unavailable = 14,

    /// <summary>Unrecoverable data loss or corruption.</summary>
    DataLoss = 15,

    /// <summary>The caller is not authenticated.</summary>
    Unauthenticated = 16,
}

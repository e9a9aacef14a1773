namespace RedBook.ServiceDefaults.Server;

/// <summary>The request's deadline as the server pipeline applied it (an <see cref="Microsoft.AspNetCore.Http.HttpContext"/> feature).</summary>
public interface IRequestDeadlineFeature
{
    /// <summary>The absolute deadline.</summary>
    DateTimeOffset Deadline { get; }

    /// <summary>Cancelled when the deadline passes (also linked into <c>HttpContext.RequestAborted</c>).</summary>
    CancellationToken DeadlineToken { get; }

    /// <summary>True once the deadline has passed.</summary>
    bool IsExpired => DeadlineToken.IsCancellationRequested;
}

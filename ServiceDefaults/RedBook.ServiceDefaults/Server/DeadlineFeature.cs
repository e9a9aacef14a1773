using RedBook.ServiceDefaults.Deadline;

namespace RedBook.ServiceDefaults.Server;

/// <summary>The request's deadline as the server pipeline applied it (an <see cref="Microsoft.AspNetCore.Http.HttpContext"/> feature).</summary>
public interface IRequestDeadlineFeature
{
    /// <summary>The deadline (also <see cref="RequestDeadline.Current"/> during the request).</summary>
    RequestDeadline Deadline { get; }

    /// <summary>Cancelled when the deadline passes (also linked into <c>HttpContext.RequestAborted</c>).</summary>
    CancellationToken DeadlineToken { get; }

    /// <summary>True once the deadline has passed.</summary>
    bool IsExpired => DeadlineToken.IsCancellationRequested;
}

internal sealed class RequestDeadlineFeature(RequestDeadline deadline, CancellationToken deadlineToken) : IRequestDeadlineFeature
{
    public RequestDeadline Deadline { get; } = deadline;

    public CancellationToken DeadlineToken { get; } = deadlineToken;
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Server;

/// <summary>
/// Applies the request's deadline: the incoming <c>grpc-timeout</c> (capped by
/// <see cref="RedBookServerOptions.MaxTimeout"/>), else <see cref="RedBookServerOptions.DefaultTimeout"/>. The
/// deadline becomes <see cref="RequestDeadline.Current"/> (which the client pipeline propagates and shrinks) and
/// cancels <see cref="HttpContext.RequestAborted"/> when it passes, so the handler's work stops. A malformed header
/// gets 400 INVALID_ARGUMENT naming it; an already-expired one gets 504 without running the handler. Probes and
/// governance requests without the header get no default deadline: the prober's own timeout governs them.
/// </summary>
internal sealed class DeadlineMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IOptionsMonitor<RedBookServerOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<HttpContext, bool> _isInfrastructure;

    public DeadlineMiddleware(RequestDelegate next, IOptionsMonitor<RedBookServerOptions> options, TimeProvider timeProvider, Func<HttpContext, bool> isInfrastructure)
    {
        _next = next;
        _options = options;
        _timeProvider = timeProvider;
        _isInfrastructure = isInfrastructure;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var options = _options.CurrentValue;
        TimeSpan timeout;
        var header = context.Request.Headers[RedBookHeaders.GrpcTimeout];
        if (header.Count == 0)
        {
            timeout = options.DefaultTimeout;
            if (timeout <= TimeSpan.Zero || _isInfrastructure(context))
            {
                return _next(context);
            }
        }
        else if (header.Count > 1)
        {
            return RedBookProblemDetails.WriteAsync(context, RedBookErrors.InvalidArgument(RedBookHeaders.GrpcTimeout, $"Header '{RedBookHeaders.GrpcTimeout}' must appear once; it appeared {header.Count} times."));
        }
        else if (!GrpcTimeout.TryParse(header[0], out timeout))
        {
            return RedBookProblemDetails.WriteAsync(context, GrpcTimeout.Validate(header[0])!);
        }
        else if (timeout <= TimeSpan.Zero)
        {
            return RedBookProblemDetails.WriteAsync(context, RedBookErrors.DeadlineExceeded("The request arrived with no time left (grpc-timeout is zero)."));
        }
        else if (options.MaxTimeout > TimeSpan.Zero && timeout > options.MaxTimeout)
        {
            timeout = options.MaxTimeout;
        }

        return RunAsync(context, timeout);
    }

    private async Task RunAsync(HttpContext context, TimeSpan timeout)
    {
        var deadline = RequestDeadline.After(timeout, _timeProvider);
        using var deadlineSource = new CancellationTokenSource(timeout, _timeProvider);
        var original = context.RequestAborted;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(original, deadlineSource.Token);
        context.Features.Set<IRequestDeadlineFeature>(new RequestDeadlineFeature(deadline, deadlineSource.Token));
        context.RequestAborted = linked.Token;
        try
        {
            using (RequestDeadline.Begin(deadline))
            {
                await _next(context).ConfigureAwait(false);
            }

            // Something below gave up quietly when the deadline passed (a queue's wait, a handler that returned
            // without writing): answer for it.
            if (deadlineSource.IsCancellationRequested && !original.IsCancellationRequested && !context.Response.HasStarted)
            {
                context.RequestAborted = original;
                await RedBookProblemDetails.WriteAsync(context, RedBookErrors.DeadlineExceeded("The request's deadline passed before the work completed.")).ConfigureAwait(false);
            }
        }
        finally
        {
            context.RequestAborted = original;
        }
    }
}

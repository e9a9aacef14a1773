using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Deadline;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Internal;

namespace RedBook.ServiceDefaults.Server;

/// <summary>
/// Applies the request's deadline: the incoming <c>grpc-timeout</c> (capped by
/// <see cref="RedBookServerOptions.MaxTimeout"/>), else the endpoint's own timeout, else
/// <see cref="RedBookServerOptions.DefaultTimeout"/>. The deadline becomes <see cref="RequestDeadline.Current"/>
/// (which the client pipeline propagates and shrinks) and cancels <see cref="HttpContext.RequestAborted"/> when it
/// passes, so the handler's work stops. A malformed header gets 400 INVALID_ARGUMENT naming it; one below 1 ms (zero, or
/// less than a timer measures) gets 504 without running the handler; one longer than a timer holds (about 49.7 days)
/// is shortened to it. Probes and governance requests without the header get no default deadline:
/// the prober's own timeout governs them.
/// </summary>
/// <remarks>
/// It runs in two stages. <see cref="DeadlineStage.CallerHeader"/> sits at the front of the pipeline, so a caller's
/// deadline also bounds every middleware and queue. <see cref="DeadlineStage.EndpointDefault"/> runs after routing
/// (from <c>MapDefaultEndpoints</c>) and applies a default only when the caller sent none; it reads the framework's own
/// endpoint metadata: <c>DisableRequestTimeout()</c> (no default deadline, for streams and long polls),
/// <c>WithRequestTimeout(TimeSpan)</c>, a named policy of <see cref="RequestTimeoutOptions"/>, or a
/// <see cref="RequestTimeoutPolicy"/>. A caller's deadline always binds: past it nobody waits for the answer.
/// </remarks>
internal sealed class DeadlineMiddleware
{
    /// <summary>The shortest caller deadline worth starting on: a timer measures whole milliseconds.</summary>
    internal static readonly TimeSpan MinimumTimeout = TimeSpan.FromMilliseconds(1);

    private readonly RequestDelegate _next;
    private readonly IOptionsMonitor<RedBookServerOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<HttpContext, bool> _isInfrastructure;
    private readonly DeadlineStage _stage;
    private readonly IOptionsMonitor<RequestTimeoutOptions>? _timeouts;

    public DeadlineMiddleware(
        RequestDelegate next,
        IOptionsMonitor<RedBookServerOptions> options,
        TimeProvider timeProvider,
        Func<HttpContext, bool> isInfrastructure,
        DeadlineStage stage,
        IOptionsMonitor<RequestTimeoutOptions>? timeouts = null)
    {
        _next = next;
        _options = options;
        _timeProvider = timeProvider;
        _isInfrastructure = isInfrastructure;
        _stage = stage;
        _timeouts = timeouts;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (_stage == DeadlineStage.EndpointDefault)
        {
            return ApplyDefault(context);
        }

        var options = _options.CurrentValue;
        TimeSpan timeout;
        var header = context.Request.Headers[RedBookHeaders.GrpcTimeout];
        if (header.Count == 0)
        {
            return _next(context); // the endpoint stage decides the default once routing has picked the endpoint.
        }
        else if (header.Count > 1)
        {
            return RedBookProblemDetails.WriteAsync(context, RedBookErrors.InvalidArgument(RedBookHeaders.GrpcTimeout, $"Header '{RedBookHeaders.GrpcTimeout}' must appear once; it appeared {header.Count} times."));
        }
        else if (!GrpcTimeout.TryParse(header[0], out timeout))
        {
            return RedBookProblemDetails.WriteAsync(context, GrpcTimeout.Validate(header[0])!);
        }
        else if (timeout < MinimumTimeout)
        {
            // Zero, or less than a timer measures: 1n parses to no ticks at all, 999u to a timer that fires at once.
            return RedBookProblemDetails.WriteAsync(context, RedBookErrors.DeadlineExceeded(
                $"The request arrived with no time left to act on: grpc-timeout '{header[0]}' is below the 1 ms the server's timers measure."));
        }
        else if (options.MaxTimeout > TimeSpan.Zero && timeout > options.MaxTimeout)
        {
            timeout = options.MaxTimeout;
        }

        return RunAsync(context, timeout);
    }

    private Task ApplyDefault(HttpContext context)
    {
        if (context.Features.Get<IRequestDeadlineFeature>() is not null || _isInfrastructure(context))
        {
            return _next(context);
        }

        var timeout = EndpointTimeout(context) ?? _options.CurrentValue.DefaultTimeout;
        return timeout > TimeSpan.Zero ? RunAsync(context, timeout) : _next(context);
    }

    // The endpoint's own default: null keeps the server's; zero means none.
    private TimeSpan? EndpointTimeout(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata is not { } metadata)
        {
            return null;
        }

        if (metadata.GetMetadata<DisableRequestTimeoutAttribute>() is not null)
        {
            return TimeSpan.Zero;
        }

        if (metadata.GetMetadata<RequestTimeoutAttribute>() is { } attribute)
        {
            if (attribute.Timeout is { } timeout)
            {
                return timeout;
            }

            if (attribute.PolicyName is { } name)
            {
                if (_timeouts?.CurrentValue.Policies.TryGetValue(name, out var named) != true)
                {
                    throw new InvalidOperationException($"The endpoint '{context.GetEndpoint()?.DisplayName}' names the request timeout policy '{name}', which is not registered with AddRequestTimeouts.");
                }

                return named!.Timeout ?? TimeSpan.Zero;
            }
        }

        return metadata.GetMetadata<RequestTimeoutPolicy>() is { } policy ? policy.Timeout ?? TimeSpan.Zero : null;
    }

    private async Task RunAsync(HttpContext context, TimeSpan timeout)
    {
        // A deadline longer than a timer holds (about 49.7 days; grpc-timeout goes up to 11,400 years) is shortened to
        // it, so the deadline the handler reads and the timer that cancels it agree.
        timeout = TimerDuration.Clamp(timeout);
        var deadline = RequestDeadline.After(timeout, _timeProvider);
        using var deadlineSource = TimerDuration.CancelAfter(timeout, _timeProvider);
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

/// <summary>Which part of the deadline a <see cref="DeadlineMiddleware"/> applies.</summary>
internal enum DeadlineStage
{
    /// <summary>The caller's <c>grpc-timeout</c>, at the front of the pipeline.</summary>
    CallerHeader,

    /// <summary>The endpoint's or the server's default, after routing, when the caller sent none.</summary>
    EndpointDefault,
}

using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Server;

/// <summary>
/// Turns every exception that leaves the application into the error model. The application's own
/// <see cref="IExceptionHandler"/> registrations get the first chance (in registration order); then:
/// a <see cref="RedBookException"/> becomes its ProblemDetails (translated by <see cref="RedBookErrorTranslation"/>
/// when it came from a dependency); a cancellation caused by the deadline becomes 504 DEADLINE_EXCEEDED; a
/// cancellation by the client becomes 499 with no body; <see cref="BadHttpRequestException"/> becomes
/// INVALID_ARGUMENT with Kestrel's 4xx status (413 too large, 408 too slow); anything else becomes INTERNAL with only the trace id, the exception going to the log.
/// </summary>
internal sealed class RedBookErrorMiddleware
{
    /// <summary>The status written when the client cancelled (nginx's "client closed request").</summary>
    public const int ClientClosedRequest = 499;

    private readonly RequestDelegate _next;
    private readonly IExceptionHandler[] _handlers;
    private readonly ILogger<RedBookErrorMiddleware> _logger;

    public RedBookErrorMiddleware(RequestDelegate next, IEnumerable<IExceptionHandler> handlers, ILogger<RedBookErrorMiddleware> logger)
    {
        _next = next;
        _handlers = handlers.ToArray();
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        Task task;
        try
        {
            task = _next(context);
        }
#pragma warning disable CA1031 // Every exception becomes an error-model response; that is this middleware's job.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return HandleAsync(context, exception);
        }

        return task.IsCompletedSuccessfully ? Task.CompletedTask : AwaitAsync(context, task);
    }

    private async Task AwaitAsync(HttpContext context, Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Every exception becomes an error-model response; that is this middleware's job.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await HandleAsync(context, exception).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpContext context, Exception exception)
    {
        var traceId = RedBookProblemDetails.TraceIdOf(context);
        if (context.Response.HasStarted)
        {
            ServerLog.ResponseAlreadyStarted(_logger, exception, exception.GetType().Name, traceId);
            context.Abort();
            return;
        }

        foreach (var handler in _handlers)
        {
            if (await handler.TryHandleAsync(context, exception, context.RequestAborted).ConfigureAwait(false))
            {
                return;
            }
        }

        ResetResponse(context);
        var deadline = context.Features.Get<IRequestDeadlineFeature>();
        RedBookError error;
        switch (exception)
        {
            case RedBookException redBook:
                error = RedBookErrorTranslation.ForCaller(redBook);
                if (!ReferenceEquals(error, redBook.Error))
                {
                    ServerLog.DependencyErrorTranslated(_logger, exception, redBook.Error.Code, redBook.Error.Reason, error.Code, error.Reason, traceId);
                }
                else
                {
                    ServerLog.RedBookError(_logger, error.Code, error.Reason, error.Message, traceId);
                }

                break;
            case OperationCanceledException when deadline is { IsExpired: true }:
                ServerLog.DeadlinePassed(_logger, traceId);
                error = RedBookErrors.DeadlineExceeded("The request's deadline passed before the work completed.");
                break;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                ServerLog.ClientCancelled(_logger, traceId);
                context.Response.StatusCode = ClientClosedRequest;
                return;
            case BadHttpRequestException bad:
                error = FromBadRequest(bad);
                ServerLog.RedBookError(_logger, error.Code, error.Reason, error.Message, traceId);
                break;
            default:
                ServerLog.UnhandledException(_logger, exception, traceId);
                error = RedBookErrors.Internal(traceId);
                break;
        }

        await RedBookProblemDetails.WriteAsync(context, error).ConfigureAwait(false);
    }

    /// <summary>
    /// What the server itself refused about the request (Kestrel's <see cref="BadHttpRequestException"/>): the
    /// client's fault, so <see cref="ErrorCode.InvalidArgument"/> with Kestrel's own 4xx status and a reason that
    /// says which: 413 <see cref="WellKnownReasons.PayloadTooLarge"/> (body over <c>MaxRequestBodySize</c>), 408
    /// <see cref="WellKnownReasons.RequestTimeout"/> (body below <c>MinRequestBodyDataRate</c>), otherwise
    /// <see cref="WellKnownReasons.BadRequest"/>.
    /// </summary>
    internal static RedBookError FromBadRequest(BadHttpRequestException bad)
    {
        var reason = bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => WellKnownReasons.PayloadTooLarge,
            StatusCodes.Status408RequestTimeout => WellKnownReasons.RequestTimeout,
            _ => WellKnownReasons.BadRequest,
        };
        return new RedBookError(ErrorCode.InvalidArgument, reason, bad.Message)
        {
            HttpStatus = bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest,
        };
    }

    private static void ResetResponse(HttpContext context)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
    }
}

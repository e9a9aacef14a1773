using Microsoft.AspNetCore.Http;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Lifecycle;

/// <summary>
/// Counts admitted requests for the drain and, once shutdown has begun, answers new requests with 503
/// UNAVAILABLE <see cref="WellKnownReasons.ShuttingDown"/> so the caller retries another instance. Probes and
/// governance endpoints pass through, so readiness can report the shutdown.
/// </summary>
internal sealed class ShutdownGateMiddleware
{
    private static readonly RedBookError s_shuttingDown = new(ErrorCode.Unavailable, WellKnownReasons.ShuttingDown, "This instance is shutting down; retry on another one.");

    private readonly RequestDelegate _next;
    private readonly ShutdownState _state;
    private readonly Func<HttpContext, bool> _isExempt;

    public ShutdownGateMiddleware(RequestDelegate next, ShutdownState state, Func<HttpContext, bool> isExempt)
    {
        _next = next;
        _state = state;
        _isExempt = isExempt;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (_isExempt(context))
        {
            return _next(context);
        }

        if (!_state.TryEnter())
        {
            return RedBookProblemDetails.WriteAsync(context, s_shuttingDown);
        }

        return RunAsync(context);
    }

    private async Task RunAsync(HttpContext context)
    {
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            _state.Exit();
        }
    }
}

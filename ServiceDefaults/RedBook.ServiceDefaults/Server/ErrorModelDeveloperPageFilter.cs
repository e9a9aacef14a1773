using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace RedBook.ServiceDefaults.Server;

/// <summary>
/// Keeps the error model in development. <c>WebApplication</c> puts the developer exception page in front of the app's
/// own middleware in the Development environment, inside the RedBook pipeline that the startup filter installs, so it
/// would catch a handler's <c>RedBookException</c> first and answer 500 with the exception's details: a validation error
/// would no longer be a 400. This filter answers every exception the page catches with RedBook's error middleware,
/// exactly as in production.
/// </summary>
internal sealed class ErrorModelDeveloperPageFilter : IDeveloperPageExceptionFilter
{
    public Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(errorContext);
        var exception = errorContext.Exception;
        var middleware = ActivatorUtilities.CreateInstance<RedBookErrorMiddleware>(
            errorContext.HttpContext.RequestServices, (RequestDelegate)(_ => Task.FromException(exception)));
        return middleware.InvokeAsync(errorContext.HttpContext);
    }
}

using RedBook.Bff.Core.Composition;
using RedBook.Bff.Core.Validation;
using RedBook.Bff.Identity;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Metadata;

namespace RedBook.Bff.Apis;

/// <summary>What every BFF endpoint does around its handler.</summary>
internal static class BffEndpointFilters
{
    /// <summary>The response header naming the degraded parts of a screen (comma-separated); absent when it is whole.</summary>
    public const string DegradedHeader = "x-redbook-degraded";

    /// <summary>
    /// Adds the BFF's filter to every endpoint of <paramref name="group"/>: the user's id becomes the request's user metadata
    /// (so the services see the authenticated user, whatever header the caller sent); a service's INVALID_ARGUMENT about what
    /// the user sent becomes our 400 with the fields in camelCase (<see cref="DependencyErrors"/>); a screen with degraded
    /// parts gets the <c>x-redbook-degraded</c> header.
    /// </summary>
    public static RouteGroupBuilder WithBffConventions(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(static async (context, next) =>
        {
            var user = context.Arguments.OfType<BffUser>().FirstOrDefault();
            var current = RequestMetadata.Current ?? RequestMetadata.Empty;
            if (user is null || current.UserId == user.Id)
            {
                return await InvokeAsync(context, next);
            }

            using (RequestMetadata.Use(current.WithGlobal(RedBookHeaders.UserId, user.Id)))
            {
                return await InvokeAsync(context, next);
            }
        });
        group.ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        object? result;
        try
        {
            result = await next(context);
        }
        catch (RedBookException ex) when (DependencyErrors.ToUserError(ex) is { } userError)
        {
            throw userError;
        }

        if (result is IValueHttpResult { Value: IDegradable { Degraded.Count: > 0 } degradable })
        {
            context.HttpContext.Response.Headers[DegradedHeader] = string.Join(',', degradable.Degraded);
        }

        return result;
    }
}

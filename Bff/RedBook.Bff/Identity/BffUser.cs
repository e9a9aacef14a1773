using System.Reflection;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using RedBook.Bff.Core;
using RedBook.Bff.Core.Validation;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Metadata;

namespace RedBook.Bff.Identity;

/// <summary>
/// The signed-in user of a request, as a handler parameter (minimal APIs bind it with <see cref="BindAsync"/>). In
/// this order: a valid bearer token's subject (<c>sub</c>; JwtBearer, configured under
/// <c>Authentication:Schemes:Bearer</c>, as <c>dotnet user-jwts</c> writes it); else, when
/// <see cref="BffIdentityOptions.AllowUserHeader"/> is on, the platform's user metadata header
/// <c>x-md-global-uid</c>. Otherwise 401 UNAUTHENTICATED <see cref="BffErrorReasons.Unauthenticated"/>. A request
/// that sends a bearer token that does not validate is refused, never taken as the header's user.
/// </summary>
/// <param name="Id">The user's id (1 to 64 letters, digits, '_' or '-').</param>
public sealed record BffUser(string Id)
{
    /// <summary>The header the platform carries the user's id in.</summary>
    public const string Header = RedBookHeaders.UserId;

    /// <summary>Binds the user of <paramref name="context"/>, or throws 401.</summary>
    public static ValueTask<BffUser?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.Identity?.IsAuthenticated == true)
        {
            var subject = context.User.FindFirstValue("sub") ?? context.User.FindFirstValue(ClaimTypes.NameIdentifier);
            return ValueTask.FromResult<BffUser?>(new BffUser(Validated(subject, "sub")));
        }

        if (context.Request.Headers.Authorization.Count > 0)
        {
            throw Unauthenticated("The bearer token is missing, invalid or expired.");
        }

        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<BffOptions>>().CurrentValue;
        if (options.Identity.AllowUserHeader && RequestMetadata.Current?.UserId is { } headerUser)
        {
            return ValueTask.FromResult<BffUser?>(new BffUser(Validated(headerUser, Header)));
        }

        throw Unauthenticated(options.Identity.AllowUserHeader
            ? $"Sign in: send a bearer token, or (development) the user's id in the {Header} header."
            : "Sign in: send a bearer token.");
    }

    private static string Validated(string? id, string field)
    {
        var validation = new BffValidation();
        var user = validation.UserId(id, field);
        if (validation.Violations.Count > 0)
        {
            throw Unauthenticated($"The user id in {field} must be 1 to 64 letters, digits, '_' or '-'.");
        }

        return user;
    }

    private static RedBookException Unauthenticated(string message) =>
        new(new RedBookError(ErrorCode.Unauthenticated, BffErrorReasons.Unauthenticated, message));
}

namespace RedBook.ServiceDefaults.Errors;

/// <summary>
/// Translates an error before a service answers its own caller with it, so the responsibility lands on the right
/// party (mio's rule): a dependency's <see cref="ErrorCode.InvalidArgument"/>, <see cref="ErrorCode.OutOfRange"/>
/// or <see cref="ErrorCode.Unauthenticated"/> says that <em>we</em> sent a bad call, so our caller sees
/// <see cref="ErrorCode.Internal"/> with <see cref="WellKnownReasons.Internal"/> (the dependency's error stays in the
/// log). The overloaded reason is re-emitted unchanged so no layer above retries; every other dependency error
/// travels upward as it is. Errors raised by this service itself are never translated.
/// </summary>
public static class RedBookErrorTranslation
{
    /// <summary>The error to answer the caller with for <paramref name="exception"/>.</summary>
    public static RedBookError ForCaller(RedBookException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.FromDependency ? ForCaller(exception.Error) : exception.Error;
    }

    /// <summary>The error to answer the caller with for an error a dependency returned.</summary>
    public static RedBookError ForCaller(RedBookError dependencyError)
    {
        ArgumentNullException.ThrowIfNull(dependencyError);
        if (dependencyError.IsOverloaded)
        {
            return dependencyError;
        }

        return dependencyError.Code is ErrorCode.InvalidArgument or ErrorCode.OutOfRange or ErrorCode.Unauthenticated
            ? new RedBookError(ErrorCode.Internal, WellKnownReasons.Internal, "A dependency rejected the call this service made.")
            : dependencyError;
    }
}

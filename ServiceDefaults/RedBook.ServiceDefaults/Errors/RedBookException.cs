namespace RedBook.ServiceDefaults.Errors;

/// <summary>
/// Carries a <see cref="RedBookError"/> through code that throws. Endpoints map it to the wire form; clients
/// raise it when they parse an error response back.
/// </summary>
public sealed class RedBookException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public RedBookException(RedBookError error)
        : base(error?.ToString(), null)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>Creates the exception for <paramref name="error"/>, keeping the local cause for logs only.</summary>
    public RedBookException(RedBookError error, Exception? innerException)
        : base(error?.ToString(), innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>The error.</summary>
    public RedBookError Error { get; }

    /// <summary>
    /// True when the error came back from a downstream call (the client side's <see cref="RedBookErrorParser"/> sets
    /// it). The server's exception handler translates such an error before it answers its own caller: a
    /// dependency's <see cref="ErrorCode.InvalidArgument"/> becomes our <see cref="ErrorCode.Internal"/>, while the
    /// overloaded reason travels upward unchanged. See <see cref="RedBookErrorTranslation"/>.
    /// </summary>
    public bool FromDependency { get; init; }
}

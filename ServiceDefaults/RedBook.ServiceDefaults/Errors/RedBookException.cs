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
}

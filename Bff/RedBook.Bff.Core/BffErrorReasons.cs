namespace RedBook.Bff.Core;

/// <summary>The reasons the BFF emits itself (all prefixed <c>BFF_</c>).</summary>
public static class BffErrorReasons
{
    /// <summary>The prefix shared by all BFF reasons.</summary>
    public const string Prefix = "BFF_";

    /// <summary>A request field is invalid (INVALID_ARGUMENT, 400, with the fields in <c>errors</c>).</summary>
    public const string InvalidArgument = "BFF_INVALID_ARGUMENT";

    /// <summary>The request names no user, or its bearer token is invalid (UNAUTHENTICATED, 401).</summary>
    public const string Unauthenticated = "BFF_UNAUTHENTICATED";

    /// <summary>
    /// A part the screen cannot do without (a note's own content) is degraded and there is no copy of it to serve
    /// (UNAVAILABLE, 503): the dependency failed, shed the call, or the degrade switch is on.
    /// </summary>
    public const string Degraded = "BFF_DEGRADED";
}

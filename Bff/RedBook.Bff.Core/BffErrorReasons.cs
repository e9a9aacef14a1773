namespace RedBook.Bff.Core;

/// <summary>The domain prefix of every error reason the BFF emits itself (for example <c>BFF_DEGRADED</c>).</summary>
public static class BffErrorReasons
{
    /// <summary>The prefix shared by all BFF reasons.</summary>
    public const string Prefix = "BFF_";
}

namespace RedBook.Mall.Core;

/// <summary>The domain prefix of every error reason the mall service emits (for example <c>MALL_OUT_OF_STOCK</c>).</summary>
public static class MallErrorReasons
{
    /// <summary>The prefix shared by all mall reasons.</summary>
    public const string Prefix = "MALL_";
}

using System.Globalization;

namespace RedBook.Bff.Core.Composition;

/// <summary>The keys of the parts' caches ('|' never occurs in ids, sizes or page tokens).</summary>
internal static class CacheKeys
{
    public static string Of(string a, int size, string token) => string.Create(CultureInfo.InvariantCulture, $"{a}|{size}|{token}");

    public static string Of(int size, string token) => string.Create(CultureInfo.InvariantCulture, $"{size}|{token}");
}

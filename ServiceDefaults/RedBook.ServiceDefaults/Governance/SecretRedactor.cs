using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace RedBook.ServiceDefaults.Governance;

/// <summary>
/// Redacts secrets from configuration and environment values before the governance endpoints show them, safe by
/// default. A value is replaced whole by <see cref="Redacted"/> when its key names a secret: password, passwd, pwd,
/// secret, token, key (apikey, accesskey, ...), credential, certificate, private, signature, auth, headers (OTLP
/// headers carry API keys), or connection string. Inside every other value (connection strings included), only the
/// secret parts are replaced, so an operator still sees which host a service talks to:
/// <list type="bullet">
/// <item>every <c>name=value</c> pair, in a connection string or a URL query, whose name contains key, secret, token,
/// password, passwd, pwd, credential or signature anywhere, in any case (<c>ClientSecret=</c>, <c>Application Key=</c>,
/// <c>?access_token=</c>, <c>X-Amz-Signature=</c>), and Azure SAS's <c>sig=</c>;</item>
/// <item>URL user information: the password of <c>user:password@</c>, or the whole of a lone <c>token@</c>.</item>
/// </list>
/// A connection-string value runs to the next <c>;</c> (quotes respected), so a secret holding <c>&amp;</c> or
/// <c>,</c> is hidden whole; a query value runs to the next <c>&amp;</c>, <c>#</c>, <c>;</c> or space.
/// </summary>
public static partial class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Redacted = "***";

    private static readonly SearchValues<char> s_authorityEnd = SearchValues.Create("/?# \t\r\n");
    private static readonly SearchValues<char> s_nameStart = SearchValues.Create(";&?,=");
    private static readonly string[] s_secretWords = ["key", "secret", "token", "password", "passwd", "pwd", "credential", "signature"];

    /// <summary>True when <paramref name="key"/> names a secret.</summary>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SecretKeyPattern().IsMatch(key);
    }

    /// <summary>The value to show for <paramref name="key"/>.</summary>
    public static string? Redact(string key, string? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        if (IsConnectionStringKey(key))
        {
            return RedactEmbedded(value);
        }

        return IsSecretKey(key) ? Redacted : RedactEmbedded(value);
    }

    /// <summary>Redacts the secret parts inside a value: secret <c>name=value</c> pairs and URL user information.</summary>
    public static string RedactEmbedded(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return RedactPairs(RedactUserInfo(value));
    }

    /// <summary>True when a pair named <paramref name="name"/> holds a secret.</summary>
    internal static bool IsSecretName(ReadOnlySpan<char> name)
    {
        name = name.Trim();
        if (name.Equals("sig", StringComparison.OrdinalIgnoreCase))
        {
            return true; // Azure SAS's signature parameter
        }

        foreach (var word in s_secretWords)
        {
            if (name.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsConnectionStringKey(string key) =>
        key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase);

    // scheme://userinfo@host...: the user info runs to the last '@' of the authority (a password may hold '@').
    private static string RedactUserInfo(string value)
    {
        StringBuilder? result = null;
        var copied = 0;
        foreach (Match match in SchemePattern().Matches(value))
        {
            var authorityStart = match.Index + match.Length;
            var authorityEnd = value.AsSpan(authorityStart).IndexOfAny(s_authorityEnd);
            authorityEnd = authorityEnd < 0 ? value.Length : authorityStart + authorityEnd;
            var at = value.AsSpan(authorityStart, authorityEnd - authorityStart).LastIndexOf('@');
            if (at < 0)
            {
                continue;
            }

            var userInfo = value.AsSpan(authorityStart, at);
            var colon = userInfo.IndexOf(':');
            result ??= new StringBuilder(value.Length);
            result.Append(value, copied, authorityStart - copied);
            if (colon >= 0)
            {
                result.Append(userInfo[..colon]).Append(':');
            }

            result.Append(Redacted);
            copied = authorityStart + at;
        }

        return result is null ? value : result.Append(value, copied, value.Length - copied).ToString();
    }

    // Finds each '=' and the name before it (back to ';', '&', '?', ',' or the start); a secret name's value is
    // replaced. A pair after '?' or '&' is a query parameter and ends at '&', '#', ';' or a space; any other ends at
    // ';'. Values of other pairs are scanned on, so a URL inside a connection string is covered too.
    private static string RedactPairs(string value)
    {
        StringBuilder? result = null;
        var copied = 0;
        var i = 0;
        while ((i = value.IndexOf('=', i)) >= 0)
        {
            var nameStart = value.AsSpan(0, i).LastIndexOfAny(s_nameStart) + 1;
            var name = value.AsSpan(nameStart, i - nameStart);
            i++;
            if (name.IsWhiteSpace() || !IsSecretName(name))
            {
                continue;
            }

            var query = nameStart > 0 && value[nameStart - 1] is '?' or '&';
            var valueStart = i;
            while (valueStart < value.Length && value[valueStart] is ' ' or '\t')
            {
                valueStart++;
            }

            var valueEnd = ValueEnd(value, valueStart, query);
            if (valueEnd == valueStart)
            {
                continue; // nothing to hide
            }

            result ??= new StringBuilder(value.Length);
            result.Append(value, copied, valueStart - copied).Append(Redacted);
            copied = valueEnd;
            i = valueEnd;
        }

        return result is null ? value : result.Append(value, copied, value.Length - copied).ToString();
    }

    private static int ValueEnd(string value, int start, bool query)
    {
        var i = start;
        if (i < value.Length && value[i] is '"' or '\'')
        {
            var quote = value[i];
            i++;
            while (i < value.Length)
            {
                if (value[i] == quote)
                {
                    if (i + 1 < value.Length && value[i + 1] == quote)
                    {
                        i += 2; // a doubled quote is an escaped one
                        continue;
                    }

                    i++;
                    break;
                }

                i++;
            }
        }

        while (i < value.Length && !(value[i] == ';' || (query && value[i] is '&' or '#' or ' ' or '\t' or '\r' or '\n')))
        {
            i++;
        }

        return i;
    }

    [GeneratedRegex(@"(pass(word|wd)?|pwd|secret|token|key|credential|certificate|private|signature|auth|headers|connection_?string)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretKeyPattern();

    [GeneratedRegex(@"[a-z][a-z0-9+.\-]*://", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SchemePattern();
}

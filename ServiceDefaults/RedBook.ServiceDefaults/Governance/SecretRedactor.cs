using System.Text.RegularExpressions;

namespace RedBook.ServiceDefaults.Governance;

/// <summary>
/// Redacts secrets from configuration and environment values before the governance endpoints show them.
/// A value is replaced by <see cref="Redacted"/> when its key (any segment) names a secret: password, passwd, pwd,
/// secret, token, key (apikey, accesskey, ...), credential, certificate, private, signature, auth, headers (OTLP headers carry API keys), or
/// connection string. In the values of connection strings (and of every other key) the password part
/// (<c>Password=...</c>, <c>pwd=...</c>) and URL user information (<c>redis://user:pass@host</c>) are redacted,
/// the rest kept, so an operator can still see which host a service talks to.
/// </summary>
public static partial class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Redacted = "***";

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

    /// <summary>Redacts the password parts inside a value (connection-string pairs and URL user information).</summary>
    public static string RedactEmbedded(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var result = PasswordPairPattern().Replace(value, static m => m.Groups["name"].Value + "=" + Redacted);
        return UserInfoPattern().Replace(result, static m => m.Groups["scheme"].Value + "://" + m.Groups["user"].Value + ":" + Redacted + "@");
    }

    private static bool IsConnectionStringKey(string key) =>
        key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"(pass(word|wd)?|pwd|secret|token|key|credential|certificate|private|signature|auth|headers|connection_?string)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretKeyPattern();

    [GeneratedRegex(@"(?<name>\b(password|pwd|passwd|secret|token|accountkey|sharedaccesskey|api[-_]?key)\s*)=\s*(""[^""]*""|'[^']*'|[^;,]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPairPattern();

    [GeneratedRegex(@"(?<scheme>[a-z][a-z0-9+.\-]*)://(?<user>[^:/@\s]*):[^@/\s]*@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserInfoPattern();
}

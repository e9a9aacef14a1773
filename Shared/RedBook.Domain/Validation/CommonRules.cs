using System.Globalization;

namespace RedBook.Domain.Validation;

/// <summary>
/// Input rules shared by the services. Each reads a wire value, returns the domain value, and adds a
/// <see cref="FieldViolation"/> (returning an empty value) when the input breaks the rule, so the edge can answer
/// every violation of a request at once before anything is written.
/// </summary>
public static class CommonRules
{
    /// <summary>Longest user id.</summary>
    public const int MaxUserIdLength = 64;

    /// <summary>A user id: 1 to 64 characters of ASCII letters, digits, '_' and '-'.</summary>
    public static string UserId(string? value, string field, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (string.IsNullOrEmpty(value))
        {
            violations.Add(new(field, "is required."));
            return string.Empty;
        }

        if (value.Length > MaxUserIdLength || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            violations.Add(new(field, $"must be 1 to {MaxUserIdLength} characters of letters, digits, '_' and '-'."));
            return string.Empty;
        }

        return value;
    }

    /// <summary>An entity id: 32 lowercase hex digits (see <see cref="EntityIds"/>).</summary>
    public static string EntityId(string? value, string field, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (string.IsNullOrEmpty(value))
        {
            violations.Add(new(field, "is required."));
            return string.Empty;
        }

        if (!EntityIds.IsValid(value))
        {
            violations.Add(new(field, "must be an id of 32 lowercase hexadecimal digits."));
            return string.Empty;
        }

        return value;
    }

    /// <summary>
    /// Text of at most <paramref name="maxLength"/> characters, trimmed, without control characters other than line
    /// breaks and tabs; empty text is a violation unless <paramref name="allowEmpty"/>.
    /// </summary>
    public static string Text(string? value, int maxLength, string field, ICollection<FieldViolation> violations, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var text = value?.Trim() ?? string.Empty;
        if (text.Length == 0 && !allowEmpty)
        {
            violations.Add(new(field, "must not be empty."));
        }
        else if (text.Length > maxLength)
        {
            violations.Add(new(field, string.Create(CultureInfo.InvariantCulture, $"must be at most {maxLength} characters; it has {text.Length}.")));
        }
        else if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            violations.Add(new(field, "must not contain control characters."));
        }

        return text;
    }
}

using System.Globalization;
using System.Text;
using RedBook.Domain.Validation;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Bff.Core.Validation;

/// <summary>
/// Collects every violation of one HTTP request and throws them at once as 400 INVALID_ARGUMENT
/// <see cref="BffErrorReasons.InvalidArgument"/>, whose ProblemDetails <c>errors</c> member names the fields as the app
/// sent them (<c>pageSize</c>, <c>items[0].quantity</c>). The BFF checks what routing a call and protecting it need (ids,
/// sizes, counts, lengths, keys) before any call is made; the services' finer content rules (a tag's characters, an
/// image reference's form) come back as their field violations, which <see cref="DependencyErrors"/> answers the same
/// way, so the rules live once, in the service that owns them.
/// </summary>
public sealed class BffValidation
{
    /// <summary>The default page size.</summary>
    public const int DefaultPageSize = 20;

    /// <summary>The largest page the services serve.</summary>
    public const int MaxPageSize = 100;

    /// <summary>The longest page token accepted (the services' tokens are far shorter).</summary>
    public const int MaxPageTokenLength = 512;

    private readonly List<FieldViolation> _violations = [];

    /// <summary>The violations so far.</summary>
    public IReadOnlyList<FieldViolation> Violations => _violations;

    /// <summary>Adds a violation.</summary>
    public BffValidation Add(string field, string description)
    {
        _violations.Add(new FieldViolation(field, description));
        return this;
    }

    /// <summary>Adds a violation unless <paramref name="condition"/> holds.</summary>
    public BffValidation Require(bool condition, string field, string description) => condition ? this : Add(field, description);

    /// <summary>A user id: 1 to 64 letters, digits, '_' or '-'.</summary>
    public string UserId(string? value, string field) => CommonRules.UserId(value, field, _violations);

    /// <summary>An entity id (note, comment, product, order): 32 lowercase hex digits.</summary>
    public string EntityId(string? value, string field) => CommonRules.EntityId(value, field, _violations);

    /// <summary>Text of 1 (0 when <paramref name="allowEmpty"/>) to <paramref name="maxLength"/> characters, trimmed, without control characters.</summary>
    public string Text(string? value, int maxLength, string field, bool allowEmpty = false) => CommonRules.Text(value, maxLength, field, _violations, allowEmpty);

    /// <summary>A page size: absent is <see cref="DefaultPageSize"/>; else 1 to <see cref="MaxPageSize"/>.</summary>
    public int PageSize(int? value, string field = "pageSize")
    {
        if (value is null)
        {
            return DefaultPageSize;
        }

        if (value is < 1 or > MaxPageSize)
        {
            Add(field, string.Create(CultureInfo.InvariantCulture, $"must be between 1 and {MaxPageSize}."));
            return DefaultPageSize;
        }

        return value.Value;
    }

    /// <summary>A page token from an earlier answer: absent or empty is the first page; at most 512 characters of base64url and '.'.</summary>
    public string PageToken(string? value, string field = "pageToken")
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value.Length > MaxPageTokenLength || !value.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '='))
        {
            Add(field, "must be the nextPageToken of an earlier answer.");
            return string.Empty;
        }

        return value;
    }

    /// <summary>A list of at most <paramref name="max"/> items (null is empty); returns the list, or empty when too long.</summary>
    public IReadOnlyList<T> List<T>(IReadOnlyList<T>? values, int max, string field)
    {
        if (values is null)
        {
            return [];
        }

        if (values.Count > max)
        {
            Add(field, string.Create(CultureInfo.InvariantCulture, $"must have at most {max} items; it has {values.Count}."));
            return [];
        }

        return values;
    }

    /// <summary>An idempotency key: 8 to 64 letters, digits, '_' or '-' (a UUID is a good key).</summary>
    public string IdempotencyKey(string? value, string field)
    {
        if (value is null || value.Length is < 8 or > 64 || !value.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            Add(field, "must be 8 to 64 characters of letters, digits, '_' and '-' (a UUID is a good key).");
            return string.Empty;
        }

        return value;
    }

    /// <summary>Throws the 400 of every violation, if any.</summary>
    /// <exception cref="RedBookException">INVALID_ARGUMENT <see cref="BffErrorReasons.InvalidArgument"/>.</exception>
    public void ThrowIfInvalid()
    {
        if (_violations.Count == 0)
        {
            return;
        }

        var validation = new RedBookValidation(BffErrorReasons.InvalidArgument);
        foreach (var violation in _violations)
        {
            validation.Add(violation.Field, Describe(violation));
        }

        validation.ThrowIfInvalid();
    }

    /// <summary>The domain rules describe a field as "is required."; the answer names it: "pageSize is required.".</summary>
    private static string Describe(FieldViolation violation)
    {
        var text = violation.Description;
        return text.Length > 0 && char.IsLower(text[0]) ? new StringBuilder(violation.Field.Length + text.Length + 1).Append(violation.Field).Append(' ').Append(text).ToString() : text;
    }
}

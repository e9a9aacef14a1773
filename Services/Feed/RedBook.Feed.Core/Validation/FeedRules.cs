using System.Globalization;
using RedBook.Domain.Validation;

namespace RedBook.Feed.Core.Validation;

/// <summary>
/// The feed's input rules, in one place: the edge calls them while it turns a request into domain values and
/// answers every violation at once (INVALID_ARGUMENT with field violations) before anything is written.
/// </summary>
public static class FeedRules
{
    /// <summary>Longest note title, in UTF-16 code units.</summary>
    public const int MaxTitleLength = 100;

    /// <summary>Longest note body.</summary>
    public const int MaxBodyLength = 5000;

    /// <summary>Most tags on a note.</summary>
    public const int MaxTags = 10;

    /// <summary>Longest tag.</summary>
    public const int MaxTagLength = 32;

    /// <summary>Most images on a note.</summary>
    public const int MaxImages = 9;

    /// <summary>Longest image reference (an http(s) URL or an object key).</summary>
    public const int MaxImageRefLength = 512;

    /// <summary>Most mall products a note may tag.</summary>
    public const int MaxProducts = 10;

    /// <summary>Longest comment.</summary>
    public const int MaxCommentLength = 1000;

    /// <summary>
    /// Tags: at most <see cref="MaxTags"/>, each 1 to <see cref="MaxTagLength"/> letters, digits, '_' or '-' (any
    /// script) after a leading '#' is dropped; lower-cased (invariant) and de-duplicated in order.
    /// </summary>
    public static IReadOnlyList<string> Tags(IReadOnlyList<string> values, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(violations);
        if (values.Count > MaxTags)
        {
            violations.Add(new("tags", $"must have at most {MaxTags} tags; it has {values.Count}."));
            return [];
        }

        var tags = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"tags[{i}]");
            if (Tag(values[i], field, violations) is { Length: > 0 } tag && !tags.Contains(tag))
            {
                tags.Add(tag);
            }
        }

        return tags;
    }

    /// <summary>One tag, normalised (see <see cref="Tags"/>); adds a violation and returns empty when invalid.</summary>
    public static string Tag(string? value, string field, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var tag = (value ?? string.Empty).Trim().TrimStart('#').ToLowerInvariant();
        if (tag.Length == 0 || tag.Length > MaxTagLength || !tag.All(c => char.IsLetterOrDigit(c) || c is '_' or '-'))
        {
            violations.Add(new(field, $"must be 1 to {MaxTagLength} letters, digits, '_' or '-' (a leading '#' is dropped)."));
            return string.Empty;
        }

        return tag;
    }

    /// <summary>Image references: at most <see cref="MaxImages"/>, each an absolute http(s) URL or an object key ([A-Za-z0-9/._-]).</summary>
    public static IReadOnlyList<string> ImageRefs(IReadOnlyList<string> values, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(violations);
        if (values.Count > MaxImages)
        {
            violations.Add(new("image_refs", $"must have at most {MaxImages} images; it has {values.Count}."));
            return [];
        }

        var refs = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            var isUrl = Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
            var isKey = value.Length > 0 && !value.StartsWith('/') && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-');
            if (value.Length == 0 || value.Length > MaxImageRefLength || !(isUrl || isKey))
            {
                violations.Add(new(string.Create(CultureInfo.InvariantCulture, $"image_refs[{i}]"), $"must be an http(s) URL or an object key of at most {MaxImageRefLength} characters."));
                continue;
            }

            refs.Add(value);
        }

        return refs;
    }

    /// <summary>Tagged mall products: at most <see cref="MaxProducts"/> product ids, de-duplicated in order.</summary>
    public static IReadOnlyList<string> ProductIds(IReadOnlyList<string> values, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(violations);
        if (values.Count > MaxProducts)
        {
            violations.Add(new("product_ids", $"must have at most {MaxProducts} products; it has {values.Count}."));
            return [];
        }

        var ids = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            if (CommonRules.EntityId(values[i], string.Create(CultureInfo.InvariantCulture, $"product_ids[{i}]"), violations) is { Length: > 0 } id && !ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}

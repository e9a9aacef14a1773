namespace RedBook.ServiceDefaults.Errors;

/// <summary>
/// Collects the field violations of a request and throws them as one invalid-argument error: over gRPC it becomes
/// <c>INVALID_ARGUMENT</c> with <c>google.rpc.BadRequest</c> field violations (and <c>google.rpc.ErrorInfo</c> with
/// the reason), over HTTP a 400 ProblemDetails whose <c>errors</c> name the fields.
/// </summary>
/// <example><code>
/// new RedBookValidation("FEED_INVALID_NOTE")
///     .Require(!string.IsNullOrWhiteSpace(request.Title), "title", "A note needs a title.")
///     .Require(request.Title.Length &lt;= 100, "title", "A title has at most 100 characters.")
///     .ThrowIfInvalid();
/// </code></example>
public sealed class RedBookValidation
{
    private readonly List<RedBookFieldViolation> _violations = [];

    /// <summary>Starts a validation whose error carries <paramref name="reason"/> (a domain reason, or <see cref="WellKnownReasons.BadRequest"/>).</summary>
    public RedBookValidation(string reason = WellKnownReasons.BadRequest)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Reason = reason;
    }

    /// <summary>The reason of the error.</summary>
    public string Reason { get; }

    /// <summary>The violations so far.</summary>
    public IReadOnlyList<RedBookFieldViolation> Violations => _violations;

    /// <summary>True while no violation was added.</summary>
    public bool IsValid => _violations.Count == 0;

    /// <summary>Adds a violation of <paramref name="field"/> unless <paramref name="condition"/> holds.</summary>
    public RedBookValidation Require(bool condition, string field, string description) => condition ? this : Add(field, description);

    /// <summary>Adds a violation of <paramref name="field"/>.</summary>
    public RedBookValidation Add(string field, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        _violations.Add(new RedBookFieldViolation(field, description));
        return this;
    }

    /// <summary>The invalid-argument error of the violations (its metadata's <c>field</c> is the first field).</summary>
    public RedBookError ToError(string? message = null)
    {
        if (_violations.Count == 0)
        {
            throw new InvalidOperationException("There is no violation to report.");
        }

        message ??= "Invalid argument: " + string.Join("; ", _violations.Select(v => $"{v.Field}: {v.Description}"));
        return new RedBookError(
            ErrorCode.InvalidArgument,
            Reason,
            message,
            new Dictionary<string, string>(StringComparer.Ordinal) { [ErrorMetadataKeys.Field] = _violations[0].Field })
        {
            FieldViolations = [.. _violations],
        };
    }

    /// <summary>Throws the <see cref="RedBookException"/> of <see cref="ToError"/> when a violation was added.</summary>
    public void ThrowIfInvalid(string? message = null)
    {
        if (_violations.Count > 0)
        {
            throw new RedBookException(ToError(message));
        }
    }
}

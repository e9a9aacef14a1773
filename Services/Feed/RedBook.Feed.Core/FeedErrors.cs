using RedBook.Domain.Validation;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Feed.Core;

/// <summary>The feed's domain errors, thrown as <see cref="RedBookException"/> and mapped to the wire at the edge.</summary>
public static class FeedErrors
{
    /// <summary>
    /// INVALID_ARGUMENT <see cref="FeedErrorReasons.InvalidArgument"/> for the request's <paramref name="violations"/>: the message
    /// lists them all, the <c>field</c> metadata names the first.
    /// </summary>
    public static RedBookException InvalidArgument(IReadOnlyList<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        ArgumentOutOfRangeException.ThrowIfZero(violations.Count);
        var message = "The request is invalid: " + string.Join("; ", violations.Select(v => $"{v.Field} {v.Description}"));
        return new(new RedBookError(ErrorCode.InvalidArgument, FeedErrorReasons.InvalidArgument, message,
            new Dictionary<string, string>(StringComparer.Ordinal) { [ErrorMetadataKeys.Field] = violations[0].Field }));
    }

    /// <summary>NOT_FOUND <see cref="FeedErrorReasons.NoteNotFound"/>.</summary>
    public static RedBookException NoteNotFound(string noteId) =>
        new(new RedBookError(ErrorCode.NotFound, FeedErrorReasons.NoteNotFound, $"Note '{noteId}' does not exist.", Field("note_id")));

    /// <summary>NOT_FOUND <see cref="FeedErrorReasons.CommentNotFound"/>.</summary>
    public static RedBookException CommentNotFound(string noteId, string commentId) =>
        new(new RedBookError(ErrorCode.NotFound, FeedErrorReasons.CommentNotFound, $"Comment '{commentId}' does not exist on note '{noteId}'.", Field("comment_id")));

    /// <summary>PERMISSION_DENIED <see cref="FeedErrorReasons.NotCommentAuthor"/>.</summary>
    public static RedBookException NotCommentAuthor(string commentId) =>
        new(new RedBookError(ErrorCode.PermissionDenied, FeedErrorReasons.NotCommentAuthor, $"Only the author of comment '{commentId}' may delete it."));

    private static Dictionary<string, string> Field(string field) =>
        new(StringComparer.Ordinal) { [ErrorMetadataKeys.Field] = field };
}

using RedBook.Domain.Validation;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Feed.Core;

/// <summary>The feed's domain errors, thrown as <see cref="RedBookException"/> and mapped to the wire at the edge.</summary>
public static class FeedErrors
{
    /// <summary>
    /// Throws INVALID_ARGUMENT <see cref="FeedErrorReasons.InvalidArgument"/> with every one of <paramref name="violations"/>
    /// as a field violation (google.rpc.BadRequest over gRPC), when there is any.
    /// </summary>
    public static void ThrowIfInvalid(IReadOnlyList<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var validation = new RedBookValidation(FeedErrorReasons.InvalidArgument);
        foreach (var violation in violations)
        {
            validation.Add(violation.Field, violation.Description);
        }

        validation.ThrowIfInvalid();
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

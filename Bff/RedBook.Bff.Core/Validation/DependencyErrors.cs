using System.Text;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.Bff.Core.Validation;

/// <summary>
/// Answers a service's INVALID_ARGUMENT about what the user sent as the user's error. The platform turns a dependency's
/// INVALID_ARGUMENT into our INTERNAL (the bad call was ours), which is right for what the BFF builds itself; but the
/// services own the finer content rules of what the user typed (a tag's characters, an image reference), so their field
/// violations are answered as 400 <see cref="BffErrorReasons.InvalidArgument"/>, the wire's snake_case paths in the app's
/// camelCase (<c>image_refs[1]</c> becomes <c>imageRefs[1]</c>).
/// </summary>
public static class DependencyErrors
{
    /// <summary>The user-facing error of <paramref name="exception"/>, or null when it is not a dependency's field-level INVALID_ARGUMENT.</summary>
    public static RedBookException? ToUserError(RedBookException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var error = exception.Error;
        if (!exception.FromDependency || error.Code != ErrorCode.InvalidArgument || error.FieldViolations.Count == 0)
        {
            return null;
        }

        var validation = new RedBookValidation(BffErrorReasons.InvalidArgument);
        foreach (var violation in error.FieldViolations)
        {
            validation.Add(CamelCasePath(violation.Field), violation.Description);
        }

        return new RedBookException(validation.ToError(), exception);
    }

    /// <summary><c>items[0].product_id</c> to <c>items[0].productId</c>.</summary>
    public static string CamelCasePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var result = new StringBuilder(path.Length);
        var upper = false;
        foreach (var c in path)
        {
            if (c == '_')
            {
                upper = result.Length > 0 && char.IsAsciiLetterOrDigit(result[^1]);
                if (!upper)
                {
                    result.Append(c);
                }

                continue;
            }

            result.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return result.ToString();
    }
}

using Microsoft.AspNetCore.Http;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Server;

/// <summary>
/// Brings the ProblemDetails that the framework writes itself (validation results, <c>Results.Problem</c>,
/// status-code pages) into the error model: <c>code</c> from the status, <c>reason</c>
/// <see cref="WellKnownReasons.BadRequest"/> for 400 and <c>REDBOOK_</c> + the code's name otherwise, the
/// RedBook headers, and for validation problems the invalid fields (comma-separated) in the metadata's
/// <see cref="ErrorMetadataKeys.Field"/>. A problem that already carries a reason is left as it is.
/// </summary>
internal static class FrameworkProblemDetails
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey(RedBookProblemDetails.ReasonMember))
        {
            return;
        }

        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var code = ErrorCodeMapping.FromHttpStatus(status);
        if (code == ErrorCode.Ok)
        {
            code = ErrorCode.Unknown;
        }

        var name = ErrorCodeMapping.ToName(code);
        var reason = code == ErrorCode.InvalidArgument ? WellKnownReasons.BadRequest : "REDBOOK_" + name;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (problem is HttpValidationProblemDetails validation && validation.Errors.Count > 0)
        {
            metadata[ErrorMetadataKeys.Field] = string.Join(',', validation.Errors.Keys);
            problem.Detail ??= string.Join(' ', validation.Errors.SelectMany(static e => e.Value));
        }

        problem.Type = RedBookProblemDetails.TypePrefix + name;
        problem.Extensions[RedBookProblemDetails.CodeMember] = name;
        problem.Extensions[RedBookProblemDetails.ReasonMember] = reason;
        problem.Extensions[RedBookProblemDetails.MetadataMember] = metadata;
        problem.Extensions.TryAdd(RedBookProblemDetails.TraceIdMember, RedBookProblemDetails.TraceIdOf(context.HttpContext));
        var headers = context.HttpContext.Response.Headers;
        headers[RedBookHeaders.ErrorCode] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers[RedBookHeaders.ErrorReason] = reason;
    }
}

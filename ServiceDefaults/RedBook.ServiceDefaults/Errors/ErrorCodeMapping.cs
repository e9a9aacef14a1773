using System.Diagnostics.CodeAnalysis;

namespace RedBook.ServiceDefaults.Errors;

/// <summary>
/// Maps <see cref="ErrorCode"/> to HTTP status codes and back, and to and from the canonical upper-snake names
/// (<c>INVALID_ARGUMENT</c>). The code-to-status table is gRPC's HTTP mapping (google.rpc.Code); the reverse
/// table is what a client uses for a failed response that carries no RedBook error.
/// </summary>
public static class ErrorCodeMapping
{
    private static readonly string[] s_names =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    private static readonly int[] s_statuses =
    [
        200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401,
    ];

    /// <summary>The HTTP status code of <paramref name="code"/> (gRPC's table; an undefined code maps to 500).</summary>
    public static int ToHttpStatus(ErrorCode code)
    {
        var index = (int)code;
        return (uint)index < (uint)s_statuses.Length ? s_statuses[index] : 500;
    }

    /// <summary>
    /// The code for a failed HTTP response that carries no RedBook error: 400 <see cref="ErrorCode.InvalidArgument"/>,
    /// 401 <see cref="ErrorCode.Unauthenticated"/>, 403 <see cref="ErrorCode.PermissionDenied"/>,
    /// 404 <see cref="ErrorCode.NotFound"/>, 408 and 504 <see cref="ErrorCode.DeadlineExceeded"/>,
    /// 409 <see cref="ErrorCode.Aborted"/>, 429 <see cref="ErrorCode.ResourceExhausted"/>,
    /// 499 <see cref="ErrorCode.Cancelled"/>, 501 <see cref="ErrorCode.Unimplemented"/>,
    /// 502 and 503 <see cref="ErrorCode.Unavailable"/>, other 4xx <see cref="ErrorCode.FailedPrecondition"/>,
    /// 500 and other 5xx <see cref="ErrorCode.Internal"/>, 2xx <see cref="ErrorCode.Ok"/>, anything else
    /// <see cref="ErrorCode.Unknown"/>.
    /// </summary>
    public static ErrorCode FromHttpStatus(int status) => status switch
    {
        >= 200 and < 300 => ErrorCode.Ok,
        400 => ErrorCode.InvalidArgument,
        401 => ErrorCode.Unauthenticated,
        403 => ErrorCode.PermissionDenied,
        404 => ErrorCode.NotFound,
        408 => ErrorCode.DeadlineExceeded,
        409 => ErrorCode.Aborted,
        429 => ErrorCode.ResourceExhausted,
        499 => ErrorCode.Cancelled,
        501 => ErrorCode.Unimplemented,
        502 or 503 => ErrorCode.Unavailable,
        504 => ErrorCode.DeadlineExceeded,
        >= 400 and < 500 => ErrorCode.FailedPrecondition,
        >= 500 and < 600 => ErrorCode.Internal,
        _ => ErrorCode.Unknown,
    };

    /// <summary>The canonical name of <paramref name="code"/> (<c>INVALID_ARGUMENT</c>); an undefined code is <c>UNKNOWN</c>.</summary>
    public static string ToName(ErrorCode code)
    {
        var index = (int)code;
        return (uint)index < (uint)s_names.Length ? s_names[index] : "UNKNOWN";
    }

    /// <summary>Parses a canonical name (<c>INVALID_ARGUMENT</c>, case-insensitive) or a code number.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ErrorCode code)
    {
        code = ErrorCode.Unknown;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        for (var i = 0; i < s_names.Length; i++)
        {
            if (string.Equals(s_names[i], text, StringComparison.OrdinalIgnoreCase))
            {
                code = (ErrorCode)i;
                return true;
            }
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && (uint)number < (uint)s_names.Length)
        {
            code = (ErrorCode)number;
            return true;
        }

        return false;
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace RedBook.ServiceDefaults.Errors;

/// <summary>
/// The HTTP wire form of a <see cref="RedBookError"/>: an RFC 9457 ProblemDetails body
/// (<c>application/problem+json</c>) plus headers a client can classify without reading the body.
/// <code>
/// HTTP/1.1 400 Bad Request
/// x-redbook-code: 3
/// x-redbook-reason: REDBOOK_BAD_REQUEST
/// {"type":"urn:redbook:error:INVALID_ARGUMENT","title":"Invalid argument","status":400,
///  "detail":"The grpc-timeout header is malformed.","code":"INVALID_ARGUMENT","reason":"REDBOOK_BAD_REQUEST",
///  "metadata":{"field":"grpc-timeout"},"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}
/// </code>
/// A <see cref="ErrorMetadataKeys.RetryAfterMs"/> entry also becomes <c>grpc-retry-pushback-ms</c> and
/// <c>Retry-After</c> (whole seconds, rounded up).
/// </summary>
public static class RedBookProblemDetails
{
    /// <summary>The content type of the body.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>The prefix of the <c>type</c> member; the code's canonical name follows it.</summary>
    public const string TypePrefix = "urn:redbook:error:";

    /// <summary>The extension member that holds the canonical code name.</summary>
    public const string CodeMember = "code";

    /// <summary>The extension member that holds the reason.</summary>
    public const string ReasonMember = "reason";

    /// <summary>The extension member that holds the metadata object.</summary>
    public const string MetadataMember = "metadata";

    /// <summary>The extension member that holds the field violations: <c>{"title":["A note needs a title."]}</c>.</summary>
    public const string ErrorsMember = "errors";

    /// <summary>The extension member that holds the trace id.</summary>
    public const string TraceIdMember = "traceId";

    /// <summary>The human title of <paramref name="code"/> ("Invalid argument").</summary>
    public static string Title(ErrorCode code)
    {
        var name = ErrorCodeMapping.ToName(code);
        return string.Create(name.Length, name, static (span, n) =>
        {
            for (var i = 0; i < n.Length; i++)
            {
                var c = n[i];
                span[i] = c == '_' ? ' ' : i == 0 ? c : char.ToLowerInvariant(c);
            }
        });
    }

    /// <summary>The HTTP status of <paramref name="error"/>: its own <see cref="RedBookError.HttpStatus"/>, else its code's.</summary>
    public static int StatusOf(RedBookError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.HttpStatus ?? ErrorCodeMapping.ToHttpStatus(error.Code);
    }

    /// <summary>Builds the ProblemDetails object of <paramref name="error"/> (for code that works with the framework's type).</summary>
    public static ProblemDetails ToProblemDetails(RedBookError error, string? traceId)
    {
        ArgumentNullException.ThrowIfNull(error);
        var problem = new ProblemDetails
        {
            Type = TypePrefix + ErrorCodeMapping.ToName(error.Code),
            Title = Title(error.Code),
            Status = StatusOf(error),
            Detail = error.Message,
        };
        problem.Extensions[CodeMember] = ErrorCodeMapping.ToName(error.Code);
        problem.Extensions[ReasonMember] = error.Reason;
        problem.Extensions[MetadataMember] = new Dictionary<string, string>(error.Metadata, StringComparer.Ordinal);
        if (error.FieldViolations.Count > 0)
        {
            problem.Extensions[ErrorsMember] = error.FieldViolations.GroupBy(v => v.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(v => v.Description).ToArray(), StringComparer.Ordinal);
        }
        if (traceId is not null)
        {
            problem.Extensions[TraceIdMember] = traceId;
        }

        return problem;
    }

    /// <summary>Sets the status code and the RedBook headers of <paramref name="error"/> on <paramref name="response"/>.</summary>
    public static void ApplyHeaders(HttpResponse response, RedBookError error)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(error);
        response.StatusCode = StatusOf(error);
        var headers = response.Headers;
        headers[RedBookHeaders.ErrorCode] = ((int)error.Code).ToString(CultureInfo.InvariantCulture);
        headers[RedBookHeaders.ErrorReason] = error.Reason;
        if (error.Metadata.TryGetValue(ErrorMetadataKeys.RetryAfterMs, out var retryAfter)
            && long.TryParse(retryAfter, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
        {
            headers[RedBookHeaders.RetryPushbackMs] = ms.ToString(CultureInfo.InvariantCulture);
            if (ms >= 0)
            {
                headers.RetryAfter = ((ms + 999) / 1000).ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="error"/> as the response: status, headers and the ProblemDetails body. The trace id is
    /// the current activity's, else the request's identifier. Does nothing to a response that has already started.
    /// </summary>
    public static Task WriteAsync(HttpContext context, RedBookError error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        if (context.RequestServices?.GetService(typeof(IEnumerable<IRedBookErrorWriter>)) is IEnumerable<IRedBookErrorWriter> writers)
        {
            foreach (var writer in writers)
            {
                if (writer.CanWrite(context))
                {
                    return writer.WriteAsync(context, error);
                }
            }
        }

        ApplyHeaders(response, error);
        response.ContentType = ContentType;
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteJson(buffer, error, TraceIdOf(context));
        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory, CancellationToken.None).AsTask();
    }

    /// <summary>The trace id that error responses and access logs carry for <paramref name="context"/>.</summary>
    public static string TraceIdOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var activity = Activity.Current;
        return activity is not null && activity.IdFormat == ActivityIdFormat.W3C
            ? activity.TraceId.ToHexString()
            : context.TraceIdentifier;
    }

    /// <summary>Writes the ProblemDetails JSON of <paramref name="error"/> to <paramref name="output"/>.</summary>
    public static void WriteJson(IBufferWriter<byte> output, RedBookError error, string? traceId)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        using var writer = new Utf8JsonWriter(output);
        var name = ErrorCodeMapping.ToName(error.Code);
        writer.WriteStartObject();
        writer.WriteString("type", TypePrefix + name);
        writer.WriteString("title", Title(error.Code));
        writer.WriteNumber("status", StatusOf(error));
        writer.WriteString("detail", error.Message);
        writer.WriteString(CodeMember, name);
        writer.WriteString(ReasonMember, error.Reason);
        writer.WriteStartObject(MetadataMember);
        foreach (var pair in error.Metadata)
        {
            writer.WriteString(pair.Key, pair.Value);
        }

        writer.WriteEndObject();
        if (error.FieldViolations.Count > 0)
        {
            writer.WriteStartObject(ErrorsMember);
            foreach (var group in error.FieldViolations.GroupBy(v => v.Field, StringComparer.Ordinal))
            {
                writer.WriteStartArray(group.Key);
                foreach (var violation in group)
                {
                    writer.WriteStringValue(violation.Description);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        if (traceId is not null)
        {
            writer.WriteString(TraceIdMember, traceId);
        }

        writer.WriteEndObject();
    }
}

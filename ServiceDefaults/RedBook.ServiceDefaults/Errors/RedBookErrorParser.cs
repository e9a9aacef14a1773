using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace RedBook.ServiceDefaults.Errors;

/// <summary>
/// The client half of the HTTP error model: reads a failed <see cref="HttpResponseMessage"/> back into the
/// <see cref="RedBookError"/> the server wrote (<see cref="RedBookProblemDetails"/>). A failure without a RedBook
/// body (a proxy's page, an empty body) still becomes an error: the code comes from the <c>x-redbook-code</c>
/// header or the HTTP status (<see cref="ErrorCodeMapping.FromHttpStatus"/>), the reason from the
/// <c>x-redbook-reason</c> header or <see cref="WellKnownReasons.UnexpectedResponse"/>. Server pushback
/// (<c>grpc-retry-pushback-ms</c>, else <c>Retry-After</c>) lands in <see cref="ErrorMetadataKeys.RetryAfterMs"/>.
/// </summary>
public static class RedBookErrorParser
{
    /// <summary>The most of an error body that is read; the rest is ignored.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// Parses a response whose body was already read into <paramref name="body"/>. Returns false for a success
    /// status (no error); for a failure it returns true and always yields an error.
    /// </summary>
    public static bool TryParse(HttpResponseMessage response, ReadOnlySpan<byte> body, [NotNullWhen(true)] out RedBookError? error)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            error = null;
            return false;
        }

        if (TryParseBody(body, out var parsed))
        {
            error = AddPushback(parsed, response.Headers);
            return true;
        }

        var code = TryGetHeader(response.Headers, RedBookHeaders.ErrorCode, out var codeText) && ErrorCodeMapping.TryParse(codeText, out var headerCode)
            ? headerCode
            : ErrorCodeMapping.FromHttpStatus(status);
        if (code == ErrorCode.Ok)
        {
            code = ErrorCode.Unknown;
        }

        var reason = TryGetHeader(response.Headers, RedBookHeaders.ErrorReason, out var reasonText) && !string.IsNullOrWhiteSpace(reasonText)
            ? reasonText
            : WellKnownReasons.UnexpectedResponse;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ErrorMetadataKeys.HttpStatus] = status.ToString(CultureInfo.InvariantCulture),
        };
        error = AddPushback(
            new RedBookError(code, reason, $"The dependency answered HTTP {status} {response.ReasonPhrase} without a RedBook error body.", metadata),
            response.Headers);
        return true;
    }

    /// <summary>
    /// Reads the error of <paramref name="response"/> (at most <see cref="MaxBodyBytes"/> of its body); null for a
    /// success status.
    /// </summary>
    public static async Task<RedBookError?> ReadErrorAsync(this HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var length = 0;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (length < MaxBodyBytes)
                {
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxBodyBytes));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, MaxBodyBytes) - length), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                }
            }

            TryParse(response, buffer.AsSpan(0, length), out var error);
            return error;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Throws a <see cref="RedBookException"/> marked <see cref="RedBookException.FromDependency"/> when
    /// <paramref name="response"/> failed; returns it unchanged when it succeeded.
    /// </summary>
    public static async Task<HttpResponseMessage> EnsureRedBookSuccessAsync(this HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        return error is null ? response : throw new RedBookException(error) { FromDependency = true };
    }

    /// <summary>Parses a RedBook ProblemDetails body. False when it is not JSON or carries no <c>reason</c>.</summary>
    public static bool TryParseBody(ReadOnlySpan<byte> body, [NotNullWhen(true)] out RedBookError? error)
    {
        error = null;
        if (body.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty(RedBookProblemDetails.ReasonMember, out var reasonElement)
                || reasonElement.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(reasonElement.GetString()))
            {
                return false;
            }

            var code = ErrorCode.Unknown;
            if (root.TryGetProperty(RedBookProblemDetails.CodeMember, out var codeElement))
            {
                var codeText = codeElement.ValueKind == JsonValueKind.Number ? codeElement.GetRawText() : codeElement.ValueKind == JsonValueKind.String ? codeElement.GetString() : null;
                if (!ErrorCodeMapping.TryParse(codeText, out code))
                {
                    code = ErrorCode.Unknown;
                }
            }
            else if (root.TryGetProperty("status", out var statusElement) && statusElement.TryGetInt32(out var status))
            {
                code = ErrorCodeMapping.FromHttpStatus(status);
            }

            var message = root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString()! : string.Empty;
            Dictionary<string, string>? metadata = null;
            if (root.TryGetProperty(RedBookProblemDetails.MetadataMember, out var metadataElement) && metadataElement.ValueKind == JsonValueKind.Object)
            {
                metadata = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in metadataElement.EnumerateObject())
                {
                    metadata[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }

            List<RedBookFieldViolation>? violations = null;
            if (root.TryGetProperty(RedBookProblemDetails.ErrorsMember, out var errorsElement) && errorsElement.ValueKind == JsonValueKind.Object)
            {
                violations = [];
                foreach (var field in errorsElement.EnumerateObject())
                {
                    if (field.Value.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var description in field.Value.EnumerateArray())
                        {
                            if (description.ValueKind == JsonValueKind.String)
                            {
                                violations.Add(new RedBookFieldViolation(field.Name, description.GetString()!));
                            }
                        }
                    }
                }
            }

            error = new RedBookError(code, reasonElement.GetString()!, message, metadata) { FieldViolations = violations ?? [] };
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static RedBookError AddPushback(RedBookError error, HttpResponseHeaders headers)
    {
        if (error.Metadata.ContainsKey(ErrorMetadataKeys.RetryAfterMs))
        {
            return error;
        }

        long? pushback = null;
        if (TryGetHeader(headers, RedBookHeaders.RetryPushbackMs, out var text)
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            pushback = ms;
        }
        else if (headers.RetryAfter?.Delta is { } delta)
        {
            pushback = (long)delta.TotalMilliseconds;
        }

        if (pushback is null)
        {
            return error;
        }

        var metadata = new Dictionary<string, string>(error.Metadata, StringComparer.Ordinal)
        {
            [ErrorMetadataKeys.RetryAfterMs] = pushback.Value.ToString(CultureInfo.InvariantCulture),
        };
        return new RedBookError(error.Code, error.Reason, error.Message, metadata) { FieldViolations = error.FieldViolations };
    }

    private static bool TryGetHeader(HttpResponseHeaders headers, string name, [NotNullWhen(true)] out string? value)
    {
        if (headers.TryGetValues(name, out var values))
        {
            foreach (var v in values)
            {
                value = v;
                return true;
            }
        }

        value = null;
        return false;
    }
}

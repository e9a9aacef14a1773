using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Metadata;

/// <summary>Parses <see cref="RequestMetadata"/> from incoming headers and enforces <see cref="MetadataOptions"/>.</summary>
public static class RequestMetadataParser
{
    /// <summary>
    /// Reads the <c>x-md-global-*</c> and <c>x-md-caller</c> headers. Returns false with an
    /// <see cref="ErrorCode.InvalidArgument"/> error naming the header when a limit is exceeded. A header sent
    /// more than once keeps its values joined with commas, as HTTP does.
    /// </summary>
    public static bool TryParse(IHeaderDictionary headers, MetadataOptions options, [NotNullWhen(true)] out RequestMetadata? metadata, [NotNullWhen(false)] out RedBookError? error)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(options);
        Dictionary<string, string>? global = null;
        string? caller = null;
        var total = 0;
        foreach (var header in headers)
        {
            var key = header.Key;
            var isGlobal = RequestMetadata.IsGlobalKey(key);
            var isCaller = !isGlobal && string.Equals(key, RedBookHeaders.CallerApp, StringComparison.OrdinalIgnoreCase);
            if (!isGlobal && !isCaller)
            {
                continue;
            }

            var value = header.Value.ToString();
            if (value.Length > options.MaxValueLength)
            {
                metadata = null;
                error = RedBookErrors.InvalidArgument(key, $"The metadata header '{key}' is {value.Length} characters long; the limit is {options.MaxValueLength}.");
                return false;
            }

            total += key.Length + value.Length;
            if (total > options.MaxTotalLength)
            {
                metadata = null;
                error = RedBookErrors.InvalidArgument(key, $"The metadata headers exceed {options.MaxTotalLength} characters in total.");
                return false;
            }

            if (isCaller)
            {
                caller = value;
                continue;
            }

            global ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (global.Count == options.MaxKeys)
            {
                metadata = null;
                error = RedBookErrors.InvalidArgument(key, $"The request carries more than {options.MaxKeys} '{RedBookHeaders.GlobalMetadataPrefix}*' metadata keys.");
                return false;
            }

            global[key.ToLowerInvariant()] = value;
        }

        metadata = global is null && caller is null ? RequestMetadata.Empty : new RequestMetadata(global ?? (IReadOnlyDictionary<string, string>)RequestMetadata.Empty.Global, caller);
        error = null;
        return true;
    }
}

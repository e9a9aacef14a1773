using System.Collections.Frozen;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Metadata;

/// <summary>
/// The request-scoped metadata that travels across hops (mio's <c>x-md-</c> convention): every
/// <c>x-md-global-*</c> key (traffic colour, user id and any other global key), plus the calling application's
/// name, which each hop sets for itself and which therefore does not travel further. The server pipeline parses it
/// from the incoming headers and makes it <see cref="Current"/> for the request; the client pipeline reads
/// <see cref="Current"/> and forwards <see cref="Global"/> on every outgoing call.
/// Instances are immutable; <see cref="WithGlobal"/> returns a copy.
/// </summary>
public sealed class RequestMetadata
{
    private static readonly AsyncLocal<RequestMetadata?> s_current = new();

    /// <summary>No metadata.</summary>
    public static RequestMetadata Empty { get; } = new(FrozenDictionary<string, string>.Empty, callerApp: null);

    /// <summary>Creates metadata from global keys (full header names, <c>x-md-global-</c> prefixed) and the caller.</summary>
    public RequestMetadata(IReadOnlyDictionary<string, string> global, string? callerApp)
    {
        ArgumentNullException.ThrowIfNull(global);
        foreach (var key in global.Keys)
        {
            if (!IsGlobalKey(key))
            {
                throw new ArgumentException($"The metadata key '{key}' does not start with '{RedBookHeaders.GlobalMetadataPrefix}'.", nameof(global));
            }
        }

        Global = global.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        CallerApp = string.IsNullOrEmpty(callerApp) ? null : callerApp;
    }

    /// <summary>The metadata of the current request (flows with the async context); null outside a request.</summary>
    public static RequestMetadata? Current => s_current.Value;

    /// <summary>The global keys (full header names such as <c>x-md-global-color</c>, compared case-insensitively) and values.</summary>
    public IReadOnlyDictionary<string, string> Global { get; }

    /// <summary>The traffic colour (<c>x-md-global-color</c>): full-chain stress tests, canaries.</summary>
    public string? Color => Global.TryGetValue(RedBookHeaders.Color, out var value) ? value : null;

    /// <summary>The end user's id (<c>x-md-global-uid</c>).</summary>
    public string? UserId => Global.TryGetValue(RedBookHeaders.UserId, out var value) ? value : null;

    /// <summary>The calling application's name (<c>x-md-caller</c>), if the caller sent it.</summary>
    public string? CallerApp { get; }

    /// <summary>Makes <paramref name="metadata"/> current until the returned scope is disposed.</summary>
    public static MetadataScope Use(RequestMetadata? metadata)
    {
        var previous = s_current.Value;
        s_current.Value = metadata;
        return new MetadataScope(previous);
    }

    /// <summary>A copy with <paramref name="key"/> (it must start with <c>x-md-global-</c>) set to <paramref name="value"/>.</summary>
    public RequestMetadata WithGlobal(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        var copy = new Dictionary<string, string>(Global, StringComparer.OrdinalIgnoreCase) { [key] = value };
        return new RequestMetadata(copy, CallerApp);
    }

    /// <summary>True when <paramref name="key"/> is a global metadata key (a non-empty name after the prefix).</summary>
    public static bool IsGlobalKey(string key) =>
        key is not null
        && key.Length > RedBookHeaders.GlobalMetadataPrefix.Length
        && key.StartsWith(RedBookHeaders.GlobalMetadataPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Restores the previously current metadata when disposed.</summary>
    public readonly struct MetadataScope : IDisposable
    {
        private readonly RequestMetadata? _previous;

        internal MetadataScope(RequestMetadata? previous) => _previous = previous;

        /// <inheritdoc />
        public void Dispose() => s_current.Value = _previous;
    }
}

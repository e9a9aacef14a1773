using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Metadata;

/// <summary>
/// Limits on incoming metadata (<c>RedBook:Metadata</c>). A request over any limit gets 400
/// <c>INVALID_ARGUMENT</c> naming the offending header.
/// </summary>
public sealed class MetadataOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:Metadata";

    /// <summary>The most <c>x-md-global-*</c> keys a request may carry.</summary>
    /// <value>The default is 32.</value>
    [Range(1, 1024)]
    public int MaxKeys { get; set; } = 32;

    /// <summary>The longest value, in characters, of any metadata header.</summary>
    /// <value>The default is 1024.</value>
    [Range(1, 65536)]
    public int MaxValueLength { get; set; } = 1024;

    /// <summary>The most characters of all metadata keys and values together (gRPC's default header list is 8 KiB).</summary>
    /// <value>The default is 8192.</value>
    [Range(1, 1048576)]
    public int MaxTotalLength { get; set; } = 8192;
}

using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Governance;

/// <summary>
/// Where the governance endpoints are served (<c>RedBook:Management</c>). With <see cref="Port"/> set they answer
/// only on that port (a second Kestrel endpoint); without it, only to loopback connections. Anywhere else they
/// answer 404, as if they did not exist.
/// </summary>
public sealed class ManagementOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:Management";

    /// <summary>The path prefix of the governance endpoints.</summary>
    public const string PathPrefix = "/_redbook";

    /// <summary>The management port; read at startup, when Kestrel binds it.</summary>
    /// <value>The default is <see langword="null"/>: no management port, loopback only.</value>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary>The host the management port binds to (<c>*</c> for every interface, <c>127.0.0.1</c> for loopback).</summary>
    /// <value>The default is <c>*</c>.</value>
    [Required]
    public string Host { get; set; } = "*";
}

using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Server;

/// <summary>The structured access log's knobs (<c>RedBook:AccessLog</c>); changes apply to the next request.</summary>
public sealed class AccessLogOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RedBook:AccessLog";

    /// <summary>Whether every request is logged (category <c>RedBook.AccessLog</c>, level Information).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Adds mio's debug "six-tuple" to each line: the configuration name (the endpoint's name), the request URL,
    /// the request parameters (query and route values), the response data (its first
    /// <see cref="MaxResponseBodyLength"/> characters), the execution time, and the code location (the handler
    /// method). Costs a copy of the response's head; meant for debugging, not for production traffic.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool Debug { get; set; }

    /// <summary>How much of the response body the debug line keeps, in bytes.</summary>
    /// <value>The default is 1024.</value>
    [Range(0, 1048576)]
    public int MaxResponseBodyLength { get; set; } = 1024;
}

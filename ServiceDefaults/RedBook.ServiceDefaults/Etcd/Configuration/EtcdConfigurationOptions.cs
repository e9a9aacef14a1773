using System.ComponentModel.DataAnnotations;

namespace RedBook.ServiceDefaults.Etcd.Configuration;

/// <summary>
/// Options of the etcd configuration source (<c>builder.Configuration.AddEtcd(...)</c>):
/// where etcd is (inherited), which application's keys to read, and how long start-up may wait for etcd.
/// </summary>
public sealed class EtcdConfigurationOptions : EtcdOptions
{
    /// <summary>
    /// The application whose keys are read: <c>/redbook/config/{AppName}/…</c>, over the shared
    /// <c>/redbook/config/_global/…</c>. Usually the service name (<c>feed</c>).
    /// </summary>
    /// <value>Null; required.</value>
    [Required]
    public string? AppName { get; set; }

    /// <summary>
    /// How long building the configuration may wait for the first read from etcd. When etcd does not answer in
    /// time, the service starts with the other sources alone and the provider keeps retrying in the background,
    /// reloading when etcd answers.
    /// </summary>
    /// <value>5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan InitialLoadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock for timeouts and backoff.</summary>
    /// <value><see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Creates the HTTP handler the client talks through, for example to trust a private CA for an
    /// <c>https://</c> endpoint. Null uses a default <see cref="SocketsHttpHandler"/>.
    /// </summary>
    /// <value>Null.</value>
    public Func<HttpMessageHandler>? CreateHttpHandler { get; set; }
}

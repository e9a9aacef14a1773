using System.ComponentModel.DataAnnotations;
using RedBook.ServiceDefaults.Errors;
using RedBook.ServiceDefaults.Etcd.Client;
using RedBook.ServiceDefaults.Etcd.Configuration;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds etcd as a live configuration source.</summary>
public static class EtcdConfigurationBuilderExtensions
{
    /// <summary>
    /// Adds the keys under <c>/redbook/config/_global/</c> and <c>/redbook/config/{AppName}/</c> (which wins) as
    /// configuration, <c>/</c> mapped to <c>:</c> (<c>/redbook/config/feed/RedBook/Breaker/K</c> →
    /// <c>RedBook:Breaker:K</c>). Changes arrive through a watch and fire the reload token, so everything bound
    /// through <c>IOptionsMonitor</c> changes live. Add it last so that it overrides files and environment.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Configuration.AddEtcd(o =>
    /// {
    ///     o.Endpoints.Add("http://127.0.0.1:2379");
    ///     o.AppName = "feed";
    /// });
    /// </code>
    /// </example>
    /// <exception cref="RedBookException">The options are invalid (code <see cref="ErrorCode.InvalidArgument"/>).</exception>
    public static IConfigurationBuilder AddEtcd(this IConfigurationBuilder builder, Action<EtcdConfigurationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new EtcdConfigurationOptions();
        configure(options);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new RedBookException(new RedBookError(
                ErrorCode.InvalidArgument,
                EtcdReasons.InvalidArgument,
                "Invalid etcd configuration source options: " + string.Join("; ", results.Select(r => r.ErrorMessage))));
        }

        return builder.Add(new EtcdConfigurationSource(options));
    }

    /// <summary>Adds etcd as a configuration source for <paramref name="appName"/> at <paramref name="endpoints"/>.</summary>
    public static IConfigurationBuilder AddEtcd(this IConfigurationBuilder builder, string appName, params string[] endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return builder.AddEtcd(o =>
        {
            o.AppName = appName;
            foreach (var endpoint in endpoints)
            {
                o.Endpoints.Add(endpoint);
            }
        });
    }
}

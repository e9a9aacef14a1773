using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using RedBook.ServiceDefaults.LoadBalancing;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Gives an <see cref="HttpClient"/> the RedBook client pipeline. <c>AddServiceDefaults()</c> already does this for
/// every client through <c>ConfigureHttpClientDefaults</c>; call it yourself only for a client registered outside
/// the defaults. Adding it twice to one client has no further effect.
/// </summary>
/// <example><code>
/// builder.AddServiceDefaults();                       // every HttpClient gets the pipeline
/// builder.Services.AddHttpClient("feed", c => c.BaseAddress = new Uri("https+http://feed"));
/// // appsettings.json: "RedBook": { "Clients": { "Defaults": { ... }, "feed": { "Retry": { "Enabled": false } } } }
/// </code></example>
public static class RedBookHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds the RedBook pipeline (endpoint pick, deadline, metadata, breaker, budgeted retry, telemetry) to the client,
    /// configured from <c>RedBook:Clients:Defaults</c> and <c>RedBook:Clients:{name}</c>.
    /// </summary>
    public static IHttpClientBuilder AddRedBookPipeline(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var names = builder.Services.AddRedBookClientCore();
        if (!string.IsNullOrEmpty(builder.Name))
        {
            names.Add(builder.Name);
        }

        // Configure(null, ...) applies to every client (ConfigureHttpClientDefaults passes a builder without a name);
        // the handler builder knows the name of the client being built either way.
        builder.Services.Configure<HttpClientFactoryOptions>(builder.Name, static options =>
            options.HttpMessageHandlerBuilderActions.Add(static handlers =>
            {
                var name = handlers.Name ?? Options.DefaultName;
                if (!IsTelemetryExporter(name) && !handlers.AdditionalHandlers.Any(h => h is RedBookClientHandler))
                {
                    handlers.AdditionalHandlers.Add(new RedBookClientHandler(name, handlers.Services.GetRequiredService<RedBookClientPipelines>()));
                }
            }));
        return builder;
    }

    /// <summary>
    /// The clients the OTLP exporter asks the factory for. They keep the exporter's own timeout and retry: our deadline,
    /// breaker and RED metrics on them would cut exports short and count every export as a call of the service.
    /// </summary>
    internal static bool IsTelemetryExporter(string name) =>
        name is "OtlpTraceExporter" or "OtlpMetricExporter" or "OtlpLogExporter";

    /// <summary>
    /// Registers what every pipeline shares: service discovery (Microsoft.Extensions.ServiceDiscovery with its configuration and
    /// pass-through providers, unless the application registered it already), the per-client options and their validation.
    /// </summary>
    internal static RedBookClientNames AddRedBookClientCore(this IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(RedBookClientNames) && descriptor.ImplementationInstance is RedBookClientNames existing)
            {
                return existing;
            }
        }

        var names = new RedBookClientNames(services);
        services.AddSingleton(names);
        services.TryAddSingleton(TimeProvider.System);
        if (!services.Any(d => d.ServiceType == typeof(ServiceEndpointResolver)))
        {
            services.AddServiceDiscovery();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<RedBookClientOptions>, RedBookClientOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedBookClientOptions>, RedBookClientNamesValidator>());
        // A null name validates every client's options, not only the unnamed ones.
        services.AddSingleton<IValidateOptions<RedBookClientOptions>>(new DataAnnotationValidateOptions<RedBookClientOptions>(name: null));
        services.AddOptions<RedBookClientOptions>().ValidateOnStart();
        services.TryAddSingleton<IOptionsChangeTokenSource<RedBookClientOptions>>(sp =>
            new ConfigurationChangeTokenSource<RedBookClientOptions>(sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton(sp => new ClientPipelineParts(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IConfiguration>(),
            sp.GetService<IHostEnvironment>(),
            sp.GetRequiredService<ClientBalancerCache>()));
        services.AddRedBookLoadBalancing();
        services.TryAddSingleton(sp => new ClientBalancerCache(
            sp.GetRequiredService<LoadBalancerFactory>(),
            sp.GetRequiredService<ServiceEndpointResolver>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<RedBookClientPipelines>();
        return names;
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Bbr;
using RedBook.ServiceDefaults.CoDel;
using RedBook.ServiceDefaults.Governance;
using RedBook.ServiceDefaults.Health;
using RedBook.ServiceDefaults.Lifecycle;
using RedBook.ServiceDefaults.Metadata;

namespace RedBook.ServiceDefaults.Server;

/// <summary>
/// Registers the server side of the service defaults; <c>AddServiceDefaults</c> calls
/// <see cref="AddRedBookServer"/> and <c>MapDefaultEndpoints</c> calls <see cref="UseRedBookServer"/>.
/// </summary>
/// <remarks>
/// The request pipeline, outermost first:
/// <list type="number">
/// <item>access log, RED metrics and span tags (<see cref="AccessLogMiddleware"/>): sees every outcome below;</item>
/// <item>errors (<see cref="RedBookErrorMiddleware"/>): any exception becomes the error model;</item>
/// <item>the management port's filter: there, everything but health and governance is a 404;</item>
/// <item>shutdown gate (<see cref="ShutdownGateMiddleware"/>): 503 once shutdown began, counts the in-flight;</item>
/// <item>metadata (<see cref="MetadataMiddleware"/>): 400 over the limits, else ambient;</item>
/// <item>deadline (<see cref="DeadlineMiddleware"/>): 400 when malformed, else ambient and cancelling;</item>
/// <item>the application's own middleware and routing;</item>
/// <item>rate limiting (where <c>MapDefaultEndpoints</c> is called, after routing): BBR shedding (503), the
/// per-route policies (429), then the optional CoDel queue (503);</item>
/// <item>the endpoint.</item>
/// </list>
/// Steps 1 to 5 come from an <see cref="IStartupFilter"/>, so they stay outermost whatever order the application
/// adds its own middleware in.
/// </remarks>
internal static class RedBookServerExtensions
{
    public static IHostApplicationBuilder AddRedBookServer(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<RedBookServerOptions>().BindConfiguration(RedBookServerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MetadataOptions>().BindConfiguration(MetadataOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AccessLogOptions>().BindConfiguration(AccessLogOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ManagementOptions>().BindConfiguration(ManagementOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitsOptions>().BindConfiguration(RateLimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddProblemDetails(static o => o.CustomizeProblemDetails = FrameworkProblemDetails.Customize);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Diagnostics.IDeveloperPageExceptionFilter, ErrorModelDeveloperPageFilter>());

        services.AddBbrRateLimiter();
        services.AddCoDelRateLimiter();
        services.AddRateLimiter(static _ => { });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<RateLimiterOptions>, RedBookRateLimiting>());

        services.TryAddSingleton<ShutdownState>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GracefulShutdownService>());
        services.TryAddSingleton(static _ => BuildInfo.FromAssembly(System.Reflection.Assembly.GetEntryAssembly() ?? typeof(RedBookServerExtensions).Assembly));

        services.AddHealthChecks().AddCheck<ShutdownHealthCheck>(ShutdownHealthCheck.Name);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, RedBookServerStartupFilter>());
        return builder;
    }

    public static WebApplication UseRedBookServer(this WebApplication app)
    {
        app.UseMiddleware<DeadlineMiddleware>(s_isInfrastructure, DeadlineStage.EndpointDefault);
        app.UseRateLimiter();
        app.MapRedBookGovernance();
        return app;
    }

    private static readonly Func<HttpContext, bool> s_isInfrastructure = IsInfrastructure;

    /// <summary>
    /// True for the platform's own endpoints, on any port: the probes (<c>/health</c>, <c>/alive</c>) and governance
    /// (<c>/_redbook/*</c>). The shutdown gate lets them through and they get no default deadline; they are all the
    /// management port serves.
    /// </summary>
    internal static bool IsInfrastructure(HttpContext context)
    {
        var path = context.Request.Path;
        return path.Equals(Microsoft.Extensions.Hosting.RedBookServiceDefaultsExtensions.HealthPath, StringComparison.OrdinalIgnoreCase)
            || path.Equals(Microsoft.Extensions.Hosting.RedBookServiceDefaultsExtensions.AlivePath, StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments(ManagementOptions.PathPrefix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// On the management port, everything but <see cref="IsInfrastructure"/> is a 404, as if the application's
    /// endpoints did not exist there (they answer on the public port only).
    /// </summary>
    internal static void UseManagementPortFilter(this IApplicationBuilder app, int managementPort) =>
        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort != managementPort || IsInfrastructure(context))
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
}

/// <summary>
/// Puts the RedBook middleware at the very front of the application's pipeline and binds the management port
/// next to the application's own addresses.
/// </summary>
internal sealed class RedBookServerStartupFilter(IOptions<ManagementOptions> management) : IStartupFilter
{
    /// <summary>Kestrel's address when none is configured; kept when the management port is added.</summary>
    private const string KestrelDefaultAddress = "http://localhost:5000";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var options = management.Value;
        if (options.Port is { } port && app.ServerFeatures.Get<IServerAddressesFeature>() is { Addresses: { IsReadOnly: false } addresses })
        {
            if (addresses.Count == 0)
            {
                addresses.Add(KestrelDefaultAddress);
            }

            addresses.Add(string.Create(CultureInfo.InvariantCulture, $"http://{options.Host}:{port}"));
        }

        Func<HttpContext, bool> isInfrastructure = RedBookServerExtensions.IsInfrastructure;
        app.UseMiddleware<AccessLogMiddleware>();
        app.UseMiddleware<RedBookErrorMiddleware>();
        if (options.Port is { } managementPort)
        {
            app.UseManagementPortFilter(managementPort);
        }

        app.UseMiddleware<ShutdownGateMiddleware>(isInfrastructure);
        app.UseMiddleware<MetadataMiddleware>();
        app.UseMiddleware<DeadlineMiddleware>(isInfrastructure, DeadlineStage.CallerHeader);
        next(app);
    };
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using RedBook.ServiceDefaults.Metadata;

namespace RedBook.ServiceDefaults.Server;

/// <summary>Registers the server pipeline; <c>AddServiceDefaults</c> calls it.</summary>
internal static class RedBookServerExtensions
{
    public static IHostApplicationBuilder AddRedBookServer(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MetadataOptions>().BindConfiguration(MetadataOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddProblemDetails(static o => o.CustomizeProblemDetails = FrameworkProblemDetails.Customize);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, RedBookServerStartupFilter>());
        return builder;
    }
}

/// <summary>
/// Puts the RedBook middleware at the very front of the application's pipeline, whatever order the application
/// adds its own middleware in (see <see cref="RedBookServerExtensions"/> and the README for the order).
/// </summary>
internal sealed class RedBookServerStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<RedBookErrorMiddleware>();
        app.UseMiddleware<MetadataMiddleware>();
        next(app);
    };
}

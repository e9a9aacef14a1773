using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Metadata;

namespace RedBook.ServiceDefaults.Server;

/// <summary>
/// Parses the request's metadata (<see cref="RequestMetadataParser"/>) and makes it
/// <see cref="RequestMetadata.Current"/> for the rest of the request; a request over the limits gets 400
/// INVALID_ARGUMENT naming the header. The parsed metadata is also an <see cref="HttpContext"/> feature.
/// </summary>
internal sealed class MetadataMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IOptionsMonitor<MetadataOptions> _options;

    public MetadataMiddleware(RequestDelegate next, IOptionsMonitor<MetadataOptions> options)
    {
        _next = next;
        _options = options;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (!RequestMetadataParser.TryParse(context.Request.Headers, _options.CurrentValue, out var metadata, out var error))
        {
            await Errors.RedBookProblemDetails.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        context.Features.Set(metadata);
        using (RequestMetadata.Use(metadata))
        {
            await _next(context).ConfigureAwait(false);
        }
    }
}

using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Quota;

/// <summary>
/// What every <see cref="IQuotaStore"/> checks and derives the same way, whatever keeps the leases: the request's
/// validation, the resource's options (a misconfigured resource is the caller's error) and the refresh interval
/// handed out with a lease.
/// </summary>
internal static class QuotaStoreRules
{
    /// <summary>Throws <see cref="ErrorCode.InvalidArgument"/> unless the request names a resource and a client and reports finite, non-negative rates.</summary>
    public static void Validate(QuotaRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Resource))
        {
            throw Invalid("The quota request has no resource.");
        }

        if (string.IsNullOrWhiteSpace(request.ClientId))
        {
            throw Invalid($"The quota request for '{request.Resource}' has no client id.");
        }

        if (!double.IsFinite(request.Wants) || request.Wants < 0)
        {
            throw Invalid($"The quota request of '{request.ClientId}' for '{request.Resource}' wants {request.Wants}; wants must be finite and not negative.");
        }

        if (!double.IsFinite(request.Has) || request.Has < 0)
        {
            throw Invalid($"The quota request of '{request.ClientId}' for '{request.Resource}' has {request.Has}; has must be finite and not negative.");
        }
    }

    /// <summary>The options of <paramref name="resource"/>; a configuration that fails validation is <see cref="ErrorCode.InvalidArgument"/>.</summary>
    public static QuotaOptions GetOptions(IOptionsMonitor<QuotaOptions> monitor, string resource)
    {
        try
        {
            return monitor.Get(resource);
        }
        catch (OptionsValidationException ex)
        {
            throw Invalid($"The quota resource '{resource}' is misconfigured: {ex.Message}", ex);
        }
    }

    /// <summary>The refresh interval of a lease: <see cref="QuotaOptions.RefreshInterval"/>, or half the lease when that is not shorter than the lease.</summary>
    public static TimeSpan RefreshInterval(QuotaOptions options)
        => options.RefreshInterval < options.LeaseLength ? options.RefreshInterval : options.LeaseLength / 2;

    /// <summary>The error of an invalid request (code InvalidArgument, reason <see cref="QuotaConstants.InvalidRequestReason"/>).</summary>
    public static RedBookException Invalid(string message, Exception? inner = null)
        => new(new RedBookError(ErrorCode.InvalidArgument, QuotaConstants.InvalidRequestReason, message), inner);
}

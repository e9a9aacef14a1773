using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Errors;

namespace RedBook.ServiceDefaults.Http;

/// <summary>
/// Fails startup (through <c>ValidateOnStart</c>) when <c>RedBook:Clients</c> has a section for a client name that no
/// <c>AddHttpClient</c> registered: the override would otherwise be silently ignored. Runs on the unnamed options,
/// which is what start-up validation reads, and again on every reload.
/// </summary>
internal sealed class RedBookClientNamesValidator(IConfiguration configuration, RedBookClientNames names) : IValidateOptions<RedBookClientOptions>
{
    public ValidateOptionsResult Validate(string? name, RedBookClientOptions options)
    {
        if (!string.IsNullOrEmpty(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var known = names.Snapshot();
        List<string>? unknown = null;
        foreach (var section in configuration.GetSection(RedBookClientOptions.SectionName).GetChildren())
        {
            if (!string.Equals(section.Key, RedBookClientOptions.DefaultsSectionName, StringComparison.OrdinalIgnoreCase) && !known.Contains(section.Key))
            {
                (unknown ??= []).Add(section.Key);
            }
        }

        if (unknown is null)
        {
            return ValidateOptionsResult.Success;
        }

        var registered = known.Count == 0 ? "none" : string.Join(", ", known.Order(StringComparer.OrdinalIgnoreCase));
        return ValidateOptionsResult.Fail(unknown.Select(u =>
            $"{WellKnownReasons.UnknownClient}: configuration section '{RedBookClientOptions.SectionName}:{u}' names a client that no AddHttpClient registered (registered clients: {registered}). Fix the name, or register the client (a client added with a bare AddHttpClient(name) and no configuration is only known once .AddRedBookPipeline() is called on it)."));
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RedBook.ServiceDefaults.Etcd.Configuration;

/// <summary>The application's service collection, kept so that the options bound from configuration can be found after the build.</summary>
internal sealed class EtcdServiceCollectionHolder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;
}

/// <summary>
/// Connects the etcd configuration providers to the host: their logs go to the host's logging (with what they
/// logged while the configuration was built), and their changes are checked by an <see cref="OptionsBindingValidator"/>.
/// It attaches as soon as the host is built (the host reads <see cref="HostOptions"/> then), so a bad value
/// already in etcd is dropped before <c>ValidateOnStart</c> can fail the start; as a hosted service it attaches at
/// the latest when the host starts.
/// </summary>
internal sealed class EtcdConfigurationAttacher(IConfiguration configuration, IServiceProvider services, EtcdServiceCollectionHolder holder, ILoggerFactory loggerFactory)
    : IHostedService, IConfigureOptions<HostOptions>
{
    private readonly Lock _gate = new();
    private IReadOnlyList<EtcdConfigurationProvider>? _providers;

    /// <summary>The providers attached to (empty before <see cref="EnsureAttached"/>).</summary>
    public IReadOnlyList<EtcdConfigurationProvider> Providers => _providers ?? [];

    public void EnsureAttached()
    {
        lock (_gate)
        {
            if (_providers is not null)
            {
                return;
            }

            _providers = [];
            var providers = configuration is IConfigurationRoot root ? root.Providers.OfType<EtcdConfigurationProvider>().ToArray() : [];
            if (providers.Length == 0)
            {
                return;
            }

            var validator = new OptionsBindingValidator(services, holder.Services);
            var logger = loggerFactory.CreateLogger(typeof(EtcdConfigurationProvider).FullName!);
            foreach (var provider in providers)
            {
                provider.AttachLogger(logger);
                provider.AttachValidator(validator);
            }

            _providers = providers;
        }
    }

    void IConfigureOptions<HostOptions>.Configure(HostOptions options) => EnsureAttached();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureAttached();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Microsoft.Extensions.Configuration;

namespace RedBook.ServiceDefaults.Etcd.Configuration;

/// <summary>The configuration source behind <c>AddEtcd</c>.</summary>
internal sealed class EtcdConfigurationSource(EtcdConfigurationOptions options) : IConfigurationSource
{
    public EtcdConfigurationOptions Options { get; } = options;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new EtcdConfigurationProvider(Options);
}

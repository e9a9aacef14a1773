using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedBook.ServiceDefaults.Etcd.Client;
using RedBook.ServiceDefaults.Etcd.Registry;
using RedBook.ServiceDefaults.Leadership;
using RedBook.ServiceDefaults.Lifecycle;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers leader elections (see docs/jobs.md).</summary>
public static partial class LeaderElectionServiceCollectionExtensions
{
    /// <summary>
    /// Adds the leader election <paramref name="name"/> as a keyed <see cref="ILeaderElection"/>. With etcd configured
    /// (<c>AddRedBookEtcd</c>, which <c>AddServiceDefaults</c> calls) the replicas of the service campaign for
    /// <c>/redbook/leaders/{RedBook:Service:Name}/{name}</c> on a kept-alive lease; without etcd this instance leads
    /// alone from start-up to shutdown. Either way it starts campaigning once the host has started and resigns on
    /// graceful shutdown. Settings: <c>RedBook:Leadership</c>, then <paramref name="configure"/>. Calling it again
    /// with the same name adds <paramref name="configure"/> and nothing else.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The election's name: letters, digits, '.', '_' or '-'.</param>
    /// <param name="configure">Adjusts the settings after they are bound from configuration.</param>
    public static IServiceCollection AddRedBookLeaderElection(this IServiceCollection services, string name = LeaderElectionConstants.DefaultElection, Action<LeaderElectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ValidateName(name, nameof(name));
        var registered = services.Any(d => d.IsKeyedService && d.ServiceType == typeof(ILeaderElection) && Equals(d.ServiceKey, name));
        var options = services.AddOptions<LeaderElectionOptions>(name);
        if (!registered)
        {
            options.BindConfiguration(LeaderElectionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (registered)
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton<ILeaderElection>(name, static (sp, key) => Create(sp, (string)key!));
        services.AddSingleton<IHostedService>(sp => (IHostedService)sp.GetRequiredKeyedService<ILeaderElection>(name));
        services.AddSingleton<IShutdownParticipant>(sp => (IShutdownParticipant)sp.GetRequiredKeyedService<ILeaderElection>(name));
        return services;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a usable election or job name.</summary>
    internal static void ValidateName(string name, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name, parameterName);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a usable name: use letters, digits, '.', '_' or '-', starting with a letter or digit.", parameterName);
        }
    }

    private static LeaderElectionBase Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<LeaderElectionOptions>>();
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("RedBook.ServiceDefaults.Leadership");
        var lifetime = services.GetService<IHostApplicationLifetime>();
        var instanceId = InstanceId(services.GetService<IConfiguration>());
        if (services.GetService<EtcdClient>() is { } client)
        {
            var service = services.GetRequiredService<IOptions<EtcdRegistrationOptions>>().Value.Name!;
            return new LeaseElector(name, service, instanceId, new EtcdElectionBackend(client), options, time, logger, lifetime);
        }

        return new SingleInstanceLeaderElection(name, instanceId, options, time, logger, lifetime);
    }

    /// <summary><c>RedBook:Service:InstanceId</c>, else the host name and process id (the value of the election key: for people).</summary>
    private static string InstanceId(IConfiguration? configuration)
    {
        var configured = configuration?[$"{EtcdRegistrationOptions.SectionName}:{nameof(EtcdRegistrationOptions.InstanceId)}"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var host = new string(Dns.GetHostName().Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').ToArray());
        return string.Create(CultureInfo.InvariantCulture, $"{(host.Length == 0 ? "instance" : host)}-{Environment.ProcessId}");
    }

    [GeneratedRegex(LeaderElectionConstants.NamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

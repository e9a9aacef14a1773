using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using RedBook.ServiceDefaults.Jobs;
using RedBook.ServiceDefaults.Leadership;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers recurring jobs that run on the elected leader (see docs/jobs.md).</summary>
public static class JobServiceCollectionExtensions
{
    /// <summary>
    /// Adds the job <typeparamref name="TJob"/> named <paramref name="name"/>: while this instance leads
    /// <paramref name="election"/> (<c>AddRedBookLeaderElection</c>, added here when missing), it runs every
    /// <paramref name="interval"/> (± jitter) after the previous run ended, with a per-run timeout, in a new DI scope,
    /// with an activity <c>job {name}</c> and the <c>redbook.jobs.*</c> metrics. Settings:
    /// <c>RedBook:Jobs:{name}</c> (<see cref="RedBookJobOptions"/>), read before each run.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddRedBookJob&lt;HotNotesJob&gt;("hot-notes", TimeSpan.FromMinutes(1));
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException">A name is not usable.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is outside 100 ms to 7 days.</exception>
    /// <exception cref="InvalidOperationException">A job of that name is already registered.</exception>
    public static IServiceCollection AddRedBookJob<TJob>(this IServiceCollection services, string name, TimeSpan interval, string election = LeaderElectionConstants.DefaultElection)
        where TJob : class, IRedBookJob
    {
        ArgumentNullException.ThrowIfNull(services);
        LeaderElectionServiceCollectionExtensions.ValidateName(name, nameof(name));
        LeaderElectionServiceCollectionExtensions.ValidateName(election, nameof(election));
        if (interval < TimeSpan.FromMilliseconds(100) || interval > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A job's interval must be between 100 milliseconds and 7 days.");
        }

        if (services.Any(d => d.ServiceType == typeof(JobRegistration) && d.ImplementationInstance is JobRegistration r && r.Name == name))
        {
            throw new InvalidOperationException($"A job named '{name}' is already registered.");
        }

        services.TryAddScoped<TJob>();
        services.AddSingleton(new JobRegistration(name, election, static sp => sp.GetRequiredService<TJob>()));
        services.AddOptions<RedBookJobOptions>(name)
            .Configure(o => o.Interval = interval)
            .BindConfiguration($"{RedBookJobOptions.SectionName}:{name}")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddRedBookLeaderElection(election);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, JobHost>());
        return services;
    }
}

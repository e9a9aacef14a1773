using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using RedBook.ServiceDefaults.Breaker;
using RedBook.ServiceDefaults.Retry;

namespace RedBook.ServiceDefaults.Http;

/// <summary>The shared services every client runtime is built from (one instance per application).</summary>
internal sealed class ClientPipelineParts
{
    public ClientPipelineParts(TimeProvider timeProvider, IConfiguration configuration, IHostEnvironment? environment, ClientBalancerCache balancers)
    {
        Balancers = balancers;
        TimeProvider = timeProvider;
        RetryBudgets = new RetryBudgetRegistry(timeProvider);
        Throttles = new SreThrottleRegistry(timeProvider);
        // The name callers see: OTEL_SERVICE_NAME (Aspire sets it to the resource name), else the application name.
        CallerName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } otel ? otel : environment?.ApplicationName ?? "unknown";
    }

    public TimeProvider TimeProvider { get; }

    public string CallerName { get; }

    /// <summary>The balancers, per client, policy, service and colour.</summary>
    public ClientBalancerCache Balancers { get; }

    /// <summary>The retry budgets, one per client (dependency), kept across pipeline rebuilds.</summary>
    public RetryBudgetRegistry RetryBudgets { get; }

    /// <summary>The SRE throttles, one per client and endpoint, kept across pipeline rebuilds.</summary>
    public SreThrottleRegistry Throttles { get; }
}

using Microsoft.Extensions.Options;
using RedBook.Bff.Core.Composition;
using RedBook.Bff.Core;
using RedBook.Bff.Core.Mall;
using RedBook.Bff.Infrastructure;
using RedBook.Bff.Quota;
using RedBook.Mall.Contracts.V1;
using RedBook.ServiceDefaults.Degrade;
using RedBook.ServiceDefaults.Grpc.Client;
using RedBook.ServiceDefaults.Quota;
using RedBook.ServiceDefaults.Redis.Quota;
using StackExchange.Redis;

namespace RedBook.Bff.Extensions;

/// <summary>The BFF's registrations that exist only with the mall.</summary>
public static class MallExtensions
{
    /// <summary>
    /// Adds the mall's gRPC client (<c>mall-api</c>), its degradable parts, the catalogue, and the per-user order quota:
    /// on Redis (<c>RedBook:Quota:Redis</c>: key prefix, timeout) when the BFF has Redis, so replicas share each user's
    /// capacity, else in-process; the resource's options are <c>RedBook:Quota:bff-orders</c>.
    /// </summary>
    public static void AddMallServices(this IHostApplicationBuilder builder, bool redis)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddRedBookGrpcClient<MallService.MallServiceClient>("mall-api");
        services.AddSingleton<IMallGateway, MallGateway>();
        services.AddRedBookDegradeCache<string, ProductPage>("bff-catalog");
        services.AddRedBookDegradeCache<string, ProductList>("bff-tagged-products");
        services.AddSingleton(sp => new MallParts(
            sp.Part<ProductPage>("bff-catalog", BffDependency.Mall),
            sp.Part<ProductList>("bff-tagged-products", BffDependency.Mall)));
        services.AddSingleton<CatalogComposer>();

        services.AddRedBookQuota();
        if (redis)
        {
            services.AddOptions<RedisQuotaStoreOptions>().BindConfiguration(RedisQuotaStoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        }

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<QuotaOptions>>();
            var time = sp.GetRequiredService<TimeProvider>();
            IQuotaStore store = redis
                ? new RedisQuotaStore(sp.GetRequiredService<IConnectionMultiplexer>(), OrderQuota.ForResource(options), sp.GetRequiredService<IOptions<RedisQuotaStoreOptions>>().Value, time)
                : new InProcessQuotaStore(OrderQuota.ForResource(options), time);
            return new OrderQuota(store, options, time);
        });
    }
}

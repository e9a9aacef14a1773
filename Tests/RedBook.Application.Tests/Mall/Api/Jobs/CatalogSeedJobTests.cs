extern alias MallApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RedBook.Application.Tests.Support;
using RedBook.Mall.Core;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Infrastructure.Sqlite;
using RedBook.ServiceDefaults.Jobs;
using V1 = RedBook.Mall.Contracts.V1;
using CatalogSeedJob = MallApi::RedBook.Mall.Api.Jobs.CatalogSeedJob;
using CatalogSeedOptions = MallApi::RedBook.Mall.Api.Jobs.CatalogSeedOptions;
using SeedProduct = MallApi::RedBook.Mall.Api.Jobs.SeedProduct;
using CoreMallService = RedBook.Mall.Core.MallService;

namespace RedBook.Application.Tests.Mall.Api.Jobs;

/// <summary>The <c>catalog-seed</c> job: directly on a SQLite store, and as the mall's Program runs it in Development.</summary>
public sealed class CatalogSeedJobTests : IAsyncLifetime, IDisposable
{
    private readonly TempSqliteFile _file = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly SqliteMallStore _store;
    private readonly CoreMallService _mall;

    public CatalogSeedJobTests()
    {
        _store = new SqliteMallStore(_file.ConnectionString);
        _mall = new CoreMallService(_store, new StaticOptionsMonitor<MallOptions>(new MallOptions()), _time);
    }

    public Task InitializeAsync() => _store.InitializeAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _file.Dispose();

    private static CatalogSeedOptions Seed(params (string Name, long Price, int Stock)[] products)
    {
        var options = new CatalogSeedOptions();
        options.Products.AddRange(products.Select(p => new SeedProduct { Name = p.Name, Description = "", PriceMinor = p.Price, InitialStock = p.Stock }));
        return options;
    }

    private CatalogSeedJob Job(CatalogSeedOptions options) =>
        new(_mall, new StaticOptionsMonitor<CatalogSeedOptions>(options), NullLogger<CatalogSeedJob>.Instance);

    private JobContext Context() => new() { Name = CatalogSeedJob.Name, RunId = "run-1", Term = 1, StartedAt = _time.GetUtcNow() };

    private async Task<IReadOnlyList<Product>> CatalogueAsync() =>
        (await _mall.ListProductsAsync(new RedBook.Domain.Paging.PageRequest(null, 50), CancellationToken.None)).Items;

    [Fact]
    public async Task RunAsync_EmptyCatalogue_AddsTheProducts_AndASecondRunAddsNothing()
    {
        var job = Job(Seed(("Rouge lipstick", 12_900, 100), ("Serum", 19_900, 50)));

        await job.RunAsync(Context(), CancellationToken.None);
        await job.RunAsync(Context(), CancellationToken.None);

        var products = await CatalogueAsync();
        Assert.Equal(["Rouge lipstick", "Serum"], products.Select(p => p.Name).Order());
        Assert.Equal(100, products.Single(p => p.Name == "Rouge lipstick").Available);
    }

    [Fact]
    public async Task RunAsync_CatalogueHasAProduct_AddsNothing()
    {
        await _mall.CreateProductAsync(new ProductDraft("Existing", "", 1_000, 1), CancellationToken.None);

        await Job(Seed(("Rouge lipstick", 12_900, 100))).RunAsync(Context(), CancellationToken.None);

        Assert.Equal(["Existing"], (await CatalogueAsync()).Select(p => p.Name));
    }

    [Fact]
    public void Validate_ProductBreaksCreateProductsRules_FailsNamingTheProductAndField()
    {
        var validator = new MallApi::RedBook.Mall.Api.Jobs.CatalogSeedOptionsValidator();

        var result = validator.Validate(null, Seed(("Fine", 100, 1), (" ", 0, -1)));

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("RedBook:Jobs:catalog-seed:Products:1:name:", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("RedBook:Jobs:catalog-seed:Products:1:priceMinor:", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("RedBook:Jobs:catalog-seed:Products:1:initialStock:", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures!, f => f.Contains("Products:0:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Program_Development_TheElectedInstanceSeedsTheCatalogueFromItsSettings()
    {
        // The mall's appsettings.Development.json lists the products; the test host turns the job off, this test on.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        using var host = new GrpcServiceHost<MallApi::Program>(
            new Dictionary<string, string?> { ["RedBook:Jobs:catalog-seed:Enabled"] = "true" },
            services => services.AddSingleton<TimeProvider>(time));
        var client = new V1.MallService.MallServiceClient(host.CreateChannel());
        var listed = new List<V1.Product>();

        await FakeClock.AdvanceUntilAsync(time, async () =>
        {
            listed = [.. (await client.ListProductsAsync(new V1.ListProductsRequest { PageSize = 50 })).Products];
            return listed.Count > 0;
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2), "the catalog-seed job adding the development catalogue");

        var configured = host.Services.GetRequiredService<IOptions<CatalogSeedOptions>>().Value.Products;
        Assert.NotEmpty(configured);
        Assert.Equal(configured.Select(p => p.Name).Order(), listed.Select(p => p.Name).Order());
    }
}

using Microsoft.Extensions.Options;
using RedBook.Domain.Paging;
using RedBook.Domain.Validation;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Core.Validation;
using RedBook.ServiceDefaults.Jobs;
using CoreMallService = RedBook.Mall.Core.MallService;

namespace RedBook.Mall.Api.Jobs;

/// <summary>
/// The <c>catalog-seed</c> job: while the catalogue is empty, adds the products listed under
/// <c>RedBook:Jobs:catalog-seed:Products</c> (<c>appsettings.Development.json</c> lists a few, so a new system has
/// something to sell). It is registered only when products are listed, runs on the elected replica like every job, and
/// does nothing once the catalogue has a product: a seed stopped half-way is not completed later.
/// </summary>
public sealed partial class CatalogSeedJob(CoreMallService mall, IOptionsMonitor<CatalogSeedOptions> options, ILogger<CatalogSeedJob> logger) : IRedBookJob
{
    /// <summary>The job's name (and configuration key under <c>RedBook:Jobs</c>).</summary>
    public const string Name = "catalog-seed";

    /// <inheritdoc />
    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var products = options.CurrentValue.Products;
        if (products.Count == 0)
        {
            return;
        }

        var existing = await mall.ListProductsAsync(new PageRequest(null, 1), cancellationToken).ConfigureAwait(false);
        if (existing.Items.Count > 0)
        {
            return;
        }

        foreach (var product in products)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await mall.CreateProductAsync(product.ToDraft(), cancellationToken).ConfigureAwait(false);
        }

        LogSeeded(logger, products.Count);
    }

    [LoggerMessage(1, LogLevel.Information, "The catalogue was empty: {Count} products were added from RedBook:Jobs:catalog-seed:Products.")]
    private static partial void LogSeeded(ILogger logger, int count);
}

/// <summary>The products the <c>catalog-seed</c> job adds, bound from <c>RedBook:Jobs:catalog-seed</c>.</summary>
public sealed class CatalogSeedOptions
{
    /// <summary>The products, in the order they are added; checked at start by the same rules as <c>CreateProduct</c>.</summary>
    public List<SeedProduct> Products { get; } = [];
}

/// <summary>One product of the seed.</summary>
public sealed class SeedProduct
{
    private static readonly ProductFieldNames s_fields = new("name", "description", "priceMinor", "initialStock");

    /// <summary>1-100 characters.</summary>
    public string? Name { get; set; }

    /// <summary>0-2000 characters.</summary>
    public string? Description { get; set; }

    /// <summary>1 to 10^10 minor units of the mall's currency.</summary>
    public long PriceMinor { get; set; }

    /// <summary>0 to 1,000,000.</summary>
    public int InitialStock { get; set; }

    /// <summary>The product as <c>CreateProduct</c> takes it; the rules' violations are added to <paramref name="violations"/>.</summary>
    internal ProductDraft ToDraft(ICollection<FieldViolation>? violations = null) =>
        MallRules.ProductDraft(Name, Description, PriceMinor, InitialStock, s_fields, violations ?? []);
}

/// <summary>Fails start-up, naming the product and the field, when a seed product breaks <c>CreateProduct</c>'s rules.</summary>
public sealed class CatalogSeedOptionsValidator : IValidateOptions<CatalogSeedOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CatalogSeedOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Products.Count; i++)
        {
            var violations = new List<FieldViolation>();
            options.Products[i].ToDraft(violations);
            failures.AddRange(violations.Select(v => $"RedBook:Jobs:{CatalogSeedJob.Name}:Products:{i}:{v.Field}: {v.Description}"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

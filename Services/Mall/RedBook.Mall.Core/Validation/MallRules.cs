using System.Globalization;
using RedBook.Domain.Validation;
using RedBook.Mall.Core.Catalog;
using RedBook.Mall.Core.Ordering;

namespace RedBook.Mall.Core.Validation;

/// <summary>The mall's input rules (see <see cref="CommonRules"/> for the shared ones).</summary>
public static class MallRules
{
    /// <summary>Longest product name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Longest product description.</summary>
    public const int MaxDescriptionLength = 2000;

    /// <summary>Highest unit price in minor units (100 million in major units).</summary>
    public const long MaxPriceMinor = 10_000_000_000;

    /// <summary>Largest stock quantity in one request.</summary>
    public const int MaxStockQuantity = 1_000_000;

    /// <summary>Most lines in an order.</summary>
    public const int MaxOrderLines = 20;

    /// <summary>Largest quantity of one line.</summary>
    public const int MaxLineQuantity = 100;

    /// <summary>Shortest idempotency key.</summary>
    public const int MinIdempotencyKeyLength = 8;

    /// <summary>Longest idempotency key.</summary>
    public const int MaxIdempotencyKeyLength = 64;

    /// <summary>A unit price: 1 to <see cref="MaxPriceMinor"/> minor units.</summary>
    public static long PriceMinor(long value, string field, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (value is <= 0 or > MaxPriceMinor)
        {
            violations.Add(new(field, string.Create(CultureInfo.InvariantCulture, $"must be between 1 and {MaxPriceMinor} minor units.")));
        }

        return value;
    }

    /// <summary>A stock quantity: <paramref name="min"/> to <see cref="MaxStockQuantity"/>.</summary>
    public static int StockQuantity(int value, int min, string field, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (value < min || value > MaxStockQuantity)
        {
            violations.Add(new(field, string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {MaxStockQuantity}.")));
        }

        return value;
    }

    /// <summary>
    /// A product to create: a name of 1 to <see cref="MaxNameLength"/> characters, a description of up to
    /// <see cref="MaxDescriptionLength"/>, a price (<see cref="PriceMinor"/>) and an initial stock of 0 or more
    /// (<see cref="StockQuantity"/>). Violations name the fields as <paramref name="fields"/> does (the caller's own names).
    /// </summary>
    public static ProductDraft ProductDraft(string? name, string? description, long priceMinor, int initialStock, ProductFieldNames fields, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return new ProductDraft(
            CommonRules.Text(name, MaxNameLength, fields.Name, violations),
            CommonRules.Text(description, MaxDescriptionLength, fields.Description, violations, allowEmpty: true),
            PriceMinor(priceMinor, fields.PriceMinor, violations),
            StockQuantity(initialStock, 0, fields.InitialStock, violations));
    }

    /// <summary>An expected version: 0 (do not check) or a positive version.</summary>
    public static long ExpectedVersion(long value, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (value < 0)
        {
            violations.Add(new("expected_version", "must be 0 (no check) or the version the caller read."));
        }

        return value;
    }

    /// <summary>An idempotency key: 8 to 64 characters of ASCII letters, digits, '_' and '-' (a UUID fits).</summary>
    public static string IdempotencyKey(string? value, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (value is null || value.Length < MinIdempotencyKeyLength || value.Length > MaxIdempotencyKeyLength
            || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            violations.Add(new("idempotency_key", $"must be {MinIdempotencyKeyLength} to {MaxIdempotencyKeyLength} characters of letters, digits, '_' and '-' (a UUID is a good key)."));
            return string.Empty;
        }

        return value;
    }

    /// <summary>Order lines: 1 to <see cref="MaxOrderLines"/>, each a product id once with a quantity of 1 to <see cref="MaxLineQuantity"/>.</summary>
    public static IReadOnlyList<OrderLine> Lines(IReadOnlyList<(string? ProductId, int Quantity)> values, ICollection<FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(violations);
        if (values.Count is 0 or > MaxOrderLines)
        {
            violations.Add(new("items", $"must have 1 to {MaxOrderLines} lines; it has {values.Count}."));
            return [];
        }

        var lines = new List<OrderLine>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"items[{i}]");
            var productId = CommonRules.EntityId(values[i].ProductId, prefix + ".product_id", violations);
            if (values[i].Quantity is <= 0 or > MaxLineQuantity)
            {
                violations.Add(new(prefix + ".quantity", $"must be between 1 and {MaxLineQuantity}."));
            }
            else if (productId.Length > 0)
            {
                if (lines.Any(l => l.ProductId == productId))
                {
                    violations.Add(new(prefix + ".product_id", "appears in more than one line; order it once with the total quantity."));
                    continue;
                }

                lines.Add(new OrderLine(productId, values[i].Quantity));
            }
        }

        return lines;
    }
}

/// <summary>How a caller names a product's fields in its violations (the gRPC request's, a setting's keys).</summary>
public sealed record ProductFieldNames(string Name, string Description, string PriceMinor, string InitialStock);

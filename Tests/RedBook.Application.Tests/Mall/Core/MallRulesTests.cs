using RedBook.Domain.Validation;
using RedBook.Mall.Core.Validation;

namespace RedBook.Application.Tests.Mall.Core;

public sealed class MallRulesTests
{
    private static readonly string s_product = Guid.CreateVersion7().ToString("N");

    [Theory]
    [InlineData(null)]
    [InlineData("short")]
    [InlineData("has spaces in it")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public void IdempotencyKey_Invalid_IsAViolation(string? key)
    {
        var violations = new List<FieldViolation>();

        MallRules.IdempotencyKey(key, violations);

        Assert.Equal("idempotency_key", Assert.Single(violations).Field);
    }

    [Fact]
    public void IdempotencyKey_Uuid_IsValid()
    {
        var violations = new List<FieldViolation>();
        var key = Guid.NewGuid().ToString();

        Assert.Equal(key, MallRules.IdempotencyKey(key, violations));
        Assert.Empty(violations);
    }

    [Fact]
    public void Lines_ZeroNegativeOrTooLargeQuantities_AndDuplicates_NameTheLine()
    {
        var violations = new List<FieldViolation>();
        var other = Guid.CreateVersion7().ToString("N");

        var lines = MallRules.Lines([(s_product, 2), (other, 0), ("bad", 1), (s_product, 1), (other, -3), (other, 101)], violations);

        Assert.Equal([new RedBook.Mall.Core.Ordering.OrderLine(s_product, 2)], lines);
        Assert.Equal(["items[1].quantity", "items[2].product_id", "items[3].product_id", "items[4].quantity", "items[5].quantity"], violations.Select(v => v.Field));
    }

    [Fact]
    public void Lines_NoneOrTooMany_IsAnItemsViolation()
    {
        var violations = new List<FieldViolation>();

        MallRules.Lines([], violations);
        MallRules.Lines(Enumerable.Range(0, MallRules.MaxOrderLines + 1).Select(_ => ((string?)Guid.CreateVersion7().ToString("N"), 1)).ToList(), violations);

        Assert.Equal(["items", "items"], violations.Select(v => v.Field));
    }

    [Fact]
    public void PriceStockAndVersion_OutOfRange_AreViolations()
    {
        var violations = new List<FieldViolation>();

        MallRules.PriceMinor(0, "price_minor", violations);
        MallRules.PriceMinor(MallRules.MaxPriceMinor + 1, "price_minor", violations);
        MallRules.StockQuantity(-1, 0, "initial_stock", violations);
        MallRules.StockQuantity(0, 1, "quantity", violations);
        MallRules.ExpectedVersion(-1, violations);
        MallRules.PriceMinor(1, "price_minor", violations);
        MallRules.StockQuantity(0, 0, "initial_stock", violations);

        Assert.Equal(["price_minor", "price_minor", "initial_stock", "quantity", "expected_version"], violations.Select(v => v.Field));
    }
}

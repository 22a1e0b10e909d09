using Daalu.Gateway.Metering;

namespace Daalu.Gateway.Tests;

public class LedgerPricingTests
{
    [Fact]
    public void Price_HostedOnContributedCard_PlanPriceAndCreditToContributor()
    {
        // 1000 in at 0.20/MTok + 500 out at 0.60/MTok = 0.0002 + 0.0003 = 0.0005
        var row = LedgerPricing.Price(Calls.Hosted("r1", contributor: "lender", share: 70));
        Assert.Equal(500_000, row.CostNano);
        Assert.Equal(0.0005m, LedgerPricing.ToUnits(row.CostNano));
        Assert.Equal(350_000, row.CreditNano);
        Assert.Equal("lender", row.ContributorTenant);
        // reference: 1000 x 2.50 + 500 x 10.00 per MTok = 0.0025 + 0.005
        Assert.Equal(7_500_000, row.CommercialNano);
        Assert.Equal("2026-11", row.Period);
        Assert.Equal("2026-11-23", row.Day);
    }

    [Fact]
    public void Price_HostedOnPoolCapacity_NoCredit()
    {
        var row = LedgerPricing.Price(Calls.Hosted("r1"));
        Assert.Equal(0, row.CreditNano);
        Assert.Null(row.ContributorTenant);
    }

    [Fact]
    public void Price_External_ProviderPrices()
    {
        var row = LedgerPricing.Price(Calls.External("r1"));
        Assert.Equal(150_000 + 300_000, row.CostNano);
        Assert.Equal(0, row.CreditNano);
    }

    [Fact]
    public void Price_OwnGpu_FreeButCommercialEquivalentStillShown()
    {
        var row = LedgerPricing.Price(Calls.OwnGpu("r1"));
        Assert.Equal(0, row.CostNano);
        Assert.Equal(7_500_000, row.CommercialNano);
    }

    [Fact]
    public void Price_ExternalWithContributor_NoCredit() =>
        Assert.Equal(0, LedgerPricing.Price(Calls.External("r1") with { ContributorTenant = "x", RevenueSharePercent = 50 }).CreditNano);

    [Fact]
    public void Price_FlagsAndLowercaseClass_AreKept()
    {
        var row = LedgerPricing.Price(Calls.Hosted("r1", requestClass: "Coding") with { Estimated = true, Partial = true });
        Assert.True(row.Estimated);
        Assert.True(row.Partial);
        Assert.Equal("coding", row.RequestClass);
    }

    [Fact]
    public void Price_BadInput_ThrowsClearErrors()
    {
        Assert.Contains("tier", Assert.Throws<ArgumentException>(() => LedgerPricing.Price(Calls.Hosted("r") with { Tier = "Moon" })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LedgerPricing.Price(Calls.Hosted("r") with { TokensIn = -1 }));
        Assert.Throws<ArgumentException>(() => LedgerPricing.Price(Calls.Hosted("r") with { Attempt = 0 }));
        Assert.Throws<ArgumentException>(() => LedgerPricing.Price(Calls.Hosted("")));
        Assert.Throws<ArgumentException>(() => LedgerPricing.Price(Calls.Hosted("r", share: 101, contributor: "x")));
    }

    [Fact]
    public void Nano_FractionalPrices_RoundHalfToEvenDeterministically()
    {
        // 0.0005 per MTok is 0.5 nano per token: halves go to the even neighbour, the same way on every run.
        Assert.Equal(0, LedgerPricing.Nano(0.0005m, 1));
        Assert.Equal(2, LedgerPricing.Nano(0.0005m, 3));
        Assert.Equal(2, LedgerPricing.Nano(0.0005m, 5));
        Assert.Equal(1_000_000_000_000, LedgerPricing.Nano(1000m, 1_000_000));
    }
}

using Daalu.Gateway.Abstractions;

namespace Daalu.Gateway.Tests;

/// <summary>Plan factory for tests.</summary>
internal static class Plans
{
    public static TenantPlan Of(
        string tenant = "acme",
        long budget = 1_000_000,
        long tpm = 0,
        int rpm = 0,
        int defaultMaxTokens = 4096,
        bool shadow = false,
        bool enrolled = true) =>
        new(tenant, enrolled, budget, tpm, rpm, defaultMaxTokens,
            InputPerMTok: 0.20m, OutputPerMTok: 0.60m,
            ReferenceInputPerMTok: 2.50m, ReferenceOutputPerMTok: 10.00m,
            ShadowMode: shadow, Admin: false);
}

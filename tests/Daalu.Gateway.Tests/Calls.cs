using Daalu.Gateway.Abstractions;

namespace Daalu.Gateway.Tests;

/// <summary>CallRecord factory for tests.</summary>
internal static class Calls
{
    public static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static CallRecord Hosted(string id, string tenant = "acme", long tokensIn = 1000, long tokensOut = 500,
        string? contributor = null, int share = 0, DateTimeOffset? at = null, string requestClass = "chat", int attempt = 1) => new()
    {
        RequestId = id,
        Attempt = attempt,
        Tenant = tenant,
        Tier = "Hosted",
        Backend = contributor is null ? "pool-a" : $"card-{contributor}",
        Model = "qwen3-8b",
        RequestClass = requestClass,
        TokensIn = tokensIn,
        TokensOut = tokensOut,
        Plan = Plans.Of(tenant),
        ContributorTenant = contributor,
        RevenueSharePercent = share,
        CompletedAt = at ?? Noon,
    };

    public static CallRecord External(string id, string tenant = "acme", long tokensIn = 1000, long tokensOut = 500, DateTimeOffset? at = null) => new()
    {
        RequestId = id,
        Attempt = 1,
        Tenant = tenant,
        Tier = "External",
        Backend = "openai",
        Model = "gpt-4o-mini",
        RequestClass = "chat",
        TokensIn = tokensIn,
        TokensOut = tokensOut,
        Plan = Plans.Of(tenant),
        ExternalInputPerMTok = 0.15m,
        ExternalOutputPerMTok = 0.60m,
        CompletedAt = at ?? Noon,
    };

    public static CallRecord OwnGpu(string id, string tenant = "acme", long tokensIn = 1000, long tokensOut = 500, string requestClass = "coding") => new()
    {
        RequestId = id,
        Attempt = 1,
        Tenant = tenant,
        Tier = "OwnGpu",
        Backend = "vllm-local",
        Model = "qwen3-coder",
        RequestClass = requestClass,
        TokensIn = tokensIn,
        TokensOut = tokensOut,
        Plan = Plans.Of(tenant),
        CompletedAt = Noon,
    };
}

namespace Daalu.Gateway.Metering;

/// <summary>Tier names as they appear in <c>CallRecord.Tier</c> and the ledger.</summary>
public static class Tiers
{
    /// <summary>The tenant's own GPUs: free.</summary>
    public const string OwnGpu = "OwnGpu";

    /// <summary>The shared hosted pool: the plan's prices.</summary>
    public const string Hosted = "Hosted";

    /// <summary>An external commercial provider: the provider's prices.</summary>
    public const string External = "External";

    /// <summary>Canonical spelling of <paramref name="tier"/>, or null when it is none of the three.</summary>
    public static string? Normalize(string? tier) => tier switch
    {
        _ when string.Equals(tier, OwnGpu, StringComparison.OrdinalIgnoreCase) => OwnGpu,
        _ when string.Equals(tier, Hosted, StringComparison.OrdinalIgnoreCase) => Hosted,
        _ when string.Equals(tier, External, StringComparison.OrdinalIgnoreCase) => External,
        _ => null,
    };
}

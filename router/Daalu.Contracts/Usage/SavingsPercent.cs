namespace Daalu.Contracts.Usage;

/// <summary>The one savings formula of the usage documents, used by the router's report and the TenantQuota status.</summary>
public static class SavingsPercent
{
    /// <summary>Savings of <paramref name="spend"/> against <paramref name="reference"/>, in percent (0 when the reference is 0).</summary>
    public static decimal Of(decimal spend, decimal reference) =>
        reference <= 0 ? 0 : Math.Round((reference - spend) / reference * 100m, 2, MidpointRounding.ToEven);
}

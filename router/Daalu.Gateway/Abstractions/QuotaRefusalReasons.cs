namespace Daalu.Gateway.Abstractions;

/// <summary>The refusal reasons an <see cref="Admission"/> can carry. Every refusal is a fall-through signal.</summary>
public static class QuotaRefusalReasons
{
    /// <summary>The monthly token budget would be exceeded by this reservation.</summary>
    public const string QuotaExceeded = "QuotaExceeded";

    /// <summary>The per-minute token limit would be exceeded.</summary>
    public const string TokensPerMinute = "TokensPerMinute";

    /// <summary>The per-minute request limit would be exceeded.</summary>
    public const string RequestsPerMinute = "RequestsPerMinute";

    /// <summary>The tenant is not enrolled in the hosted pool.</summary>
    public const string NotEnrolled = "NotEnrolled";

    /// <summary>The shared quota store (Redis) is unreachable and the policy is fail-closed.</summary>
    public const string QuotaStoreUnavailable = "QuotaStoreUnavailable";
}

namespace Daalu.Contracts.Status;

/// <summary>The parts of a router configuration a verdict is about.</summary>
public static class ConfigPartKinds
{
    /// <summary>An OwnGpu or Hosted backend.</summary>
    public const string Backend = "backend";

    /// <summary>An external provider.</summary>
    public const string Provider = "provider";

    /// <summary>A tenant with its keys and plan.</summary>
    public const string Tenant = "tenant";

    /// <summary>A routing policy.</summary>
    public const string Policy = "policy";
}

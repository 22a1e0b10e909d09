namespace Daalu.Contracts;

/// <summary>The derived roles of a tenant.</summary>
public static class TenantRoles
{
    /// <summary>Has a ready GpuNode.</summary>
    public const string Owner = "Owner";

    /// <summary>An Owner whose GpuNode shares to the hosted pool.</summary>
    public const string Provider = "Provider";

    /// <summary>No GPU of its own, enrolled in the hosted pool.</summary>
    public const string Consumer = "Consumer";

    /// <summary>Neither.</summary>
    public const string None = "None";
}

namespace Daalu.Contracts.Usage;

/// <summary>A tenant's derived role (DESIGN.md): never chosen, always computed by <see cref="RoleResolver"/>.</summary>
public enum TenantRole
{
    /// <summary>No ready GPU of its own and not enrolled in the hosted pool.</summary>
    None = 0,

    /// <summary>No ready GPU of its own, enrolled in the hosted pool.</summary>
    Consumer = 1,

    /// <summary>Has a ready GpuNode.</summary>
    Owner = 2,

    /// <summary>An owner whose ready GpuNode shares spare capacity with the hosted pool.</summary>
    Provider = 3,
}

namespace Daalu.Router.Api;

/// <summary>Whether a tenant may ask for a model.</summary>
public enum ModelVisibility
{
    /// <summary>Served for this tenant (or an alias).</summary>
    Visible,

    /// <summary>Only another tenant's own GPUs serve it.</summary>
    OtherTenant,

    /// <summary>Nothing serves it.</summary>
    Unknown,
}

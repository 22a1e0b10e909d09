namespace Daalu.Api.V1Alpha1;

/// <summary>
/// The one pattern every tenant name in the API follows (TenantQuota.spec.tenant, GpuNode.spec.tenant, a
/// ModelServing endpoint's tenant, RoutingPolicy tenants and classification rules), so a name one kind accepts is
/// never refused by another. It is a DNS-1123 label (at most 63 characters) because GpuNode writes the tenant as the
/// value of the node label <c>ai.daalu.io/tenant</c>, and a label value may not be longer or use other characters.
/// </summary>
public static class TenantNames
{
    /// <summary>A DNS-1123 label: lower-case alphanumerics and '-', starting and ending with an alphanumeric.</summary>
    public const string Pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    /// <summary><see cref="Pattern"/> or empty, where empty means operator-run (hosted) capacity.</summary>
    public const string PatternOrEmpty = "^$|" + Pattern;

    /// <summary>The longest tenant name (a DNS-1123 label, and a label value).</summary>
    public const int MaxLength = 63;
}

using Daalu.Contracts.RouterConfig;
using Daalu.Runtime;

namespace Daalu.Operator.Routing;

/// <summary>The compiler's output: the configuration, its exact serialized text and hash, and a verdict per input.</summary>
/// <param name="Configuration">The compiled configuration.</param>
/// <param name="Content">The serialized document written to the ConfigMap (deterministic).</param>
/// <param name="Hash">The hash of <paramref name="Content"/>, computed exactly as the router does for the file it loads.</param>
/// <param name="Policies">Verdict per RoutingPolicy key.</param>
/// <param name="Tenants">Verdict per TenantQuota key.</param>
/// <param name="MountedSecrets">Secrets (router namespace) the router must mount, sorted.</param>
/// <param name="Notes">Inputs left out and why (backends of unknown tenants, unready ModelServings are not listed).</param>
/// <param name="Errors">Problems the router's validator still finds in the whole document; when any, it must not be written.</param>
public sealed record CompiledRouterConfig(
    RouterConfiguration Configuration,
    string Content,
    string Hash,
    IReadOnlyDictionary<ObjectKey, PolicyVerdict> Policies,
    IReadOnlyDictionary<ObjectKey, TenantVerdict> Tenants,
    IReadOnlyList<MountedSecret> MountedSecrets,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> Errors);

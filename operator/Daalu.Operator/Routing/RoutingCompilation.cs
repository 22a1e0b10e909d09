using Daalu.Api.V1Alpha1;
using Daalu.Runtime.Informers;
using Microsoft.Extensions.Logging;

namespace Daalu.Operator.Routing;

/// <summary>
/// Gathers the compiler's input from the informer caches, the referenced Secrets' key names and the operator's admin
/// key, then compiles. Shared by the RoutingPolicy and TenantQuota reconcilers, so both judge a tenant the same way.
/// </summary>
public sealed partial class RoutingCompilation(
    IInformer<RoutingPolicy> policies,
    IInformer<TenantQuota> quotas,
    IInformer<ModelServing> modelServings,
    IInformer<GpuNode> gpuNodes,
    SecretCatalogReader secrets,
    AdminKeyStore adminKeys,
    RoutingSettings settings,
    ILogger<RoutingCompilation> logger)
{
    /// <summary>The compiled configuration and the admin key (null when the operator has none).</summary>
    public async Task<(CompiledRouterConfig Compiled, string? AdminKey)> CompileAsync(CancellationToken cancellationToken)
    {
        string? adminKey = null;
        try
        {
            adminKey = await adminKeys.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is k8s.Autorest.HttpOperationException or InvalidOperationException)
        {
            // Without it the router still routes; only usage and the loaded hash cannot be read.
            LogNoAdminKey(logger, settings.RouterNamespace, settings.AdminKeySecretName, ex.GetType().Name);
        }

        var policyList = policies.Cache.List();
        var quotaList = quotas.Cache.List();
        var servingList = modelServings.Cache.List();
        var catalog = await secrets.ReadAsync(policyList, quotaList, servingList, cancellationToken).ConfigureAwait(false);
        var compiled = RouterConfigCompiler.Compile(new CompileInput(policyList, servingList, gpuNodes.Cache.List(), quotaList, catalog, settings, adminKey is not null));
        return (compiled, adminKey);
    }

    [LoggerMessage(1, LogLevel.Warning, "No admin key for the router (Secret {Namespace}/{Secret}: {Error}); usage and the loaded configuration hash cannot be read")]
    private static partial void LogNoAdminKey(ILogger logger, string @namespace, string secret, string error);
}

using System.Net;
using Daalu.Api.V1Alpha1;
using k8s;
using k8s.Autorest;

namespace Daalu.Operator.Routing;

/// <summary>
/// Reads which keys the referenced Secrets in the router namespace have (by name: the operator may get Secrets, never
/// list or watch them). Only key names leave this class; values are dropped at once.
/// </summary>
public sealed class SecretCatalogReader(IKubernetes client, RoutingSettings settings)
{
    /// <summary>A catalog of every Secret in the router namespace the inputs refer to.</summary>
    public async Task<SecretCatalog> ReadAsync(IEnumerable<RoutingPolicy> policies, IEnumerable<TenantQuota> quotas, IEnumerable<ModelServing> modelServings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentNullException.ThrowIfNull(modelServings);
        var ns = settings.RouterNamespace;
        var names = new SortedSet<string>(StringComparer.Ordinal) { settings.AdminKeySecretName };
        foreach (var p in policies.Where(p => p.Metadata.NamespaceProperty == ns))
        {
            names.UnionWith(p.Spec.Providers.Select(x => x.ApiKeySecretRef.Name));
        }

        foreach (var q in quotas.Where(q => q.Metadata.NamespaceProperty == ns))
        {
            names.UnionWith(q.Spec.ApiKeySecretRefs.Select(r => r.Name));
        }

        foreach (var m in modelServings.Where(m => m.Metadata.NamespaceProperty == ns && m.Spec.Endpoint?.ApiKeySecretRef is not null))
        {
            names.Add(m.Spec.Endpoint!.ApiKeySecretRef!.Name);
        }

        var catalog = new SecretCatalog();
        foreach (var name in names.Where(n => !string.IsNullOrEmpty(n)))
        {
            try
            {
                var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                var keys = (secret.Data ?? new Dictionary<string, byte[]>()).Where(kv => kv.Value is { Length: > 0 }).Select(kv => kv.Key).ToList();
                catalog.Add(ns, name, keys);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // Absent: the compiler reports who refers to it.
            }
        }

        return catalog;
    }
}

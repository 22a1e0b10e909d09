using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Daalu.Operator.Routing;

/// <summary>
/// The operator's admin key for the router (to read usage and the loaded configuration hash). It lives in a Secret in
/// the router namespace that the operator creates with a random key when missing; the compiled configuration lists
/// it as the reserved admin tenant whose policy reaches no model. The value is never logged.
/// </summary>
public sealed class AdminKeyStore(IKubernetes client, RoutingSettings settings)
{
    /// <summary>
    /// The key, read from the Secret (created when missing) on every call, so a replaced Secret is used at once.
    /// Throws the API error when neither works.
    /// </summary>
    public async Task<string> EnsureAsync(CancellationToken cancellationToken)
    {
        var ns = settings.RouterNamespace;
        var existing = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            var secret = new V1Secret
            {
                ApiVersion = "v1",
                Kind = "Secret",
                Metadata = new V1ObjectMeta
                {
                    Name = settings.AdminKeySecretName,
                    NamespaceProperty = ns,
                    Labels = new Dictionary<string, string> { [WellKnown.ManagedByLabel] = WellKnown.ManagedByValue },
                },
                Type = "Opaque",
                Data = new Dictionary<string, byte[]>
                {
                    [settings.AdminKeySecretKey] = Encoding.UTF8.GetBytes("daalu-op-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))),
                },
            };
            try
            {
                await client.CoreV1.CreateNamespacedSecretAsync(secret, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Another replica created it first: use theirs.
            }

            existing = await ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        if (existing is null)
        {
            throw new InvalidOperationException($"Secret {ns}/{settings.AdminKeySecretName} has no key {settings.AdminKeySecretKey}");
        }

        return existing;
    }

    private async Task<string?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(settings.AdminKeySecretName, settings.RouterNamespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return secret.Data is { } data && data.TryGetValue(settings.AdminKeySecretKey, out var bytes) && bytes.Length > 0
                ? Encoding.UTF8.GetString(bytes).Trim()
                : null;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}

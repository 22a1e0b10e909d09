using Daalu.Operator.Children;
using Daalu.Operator.Routing;
using Daalu.Runtime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Daalu.Operator.Controllers;

/// <summary>
/// Keeps the router's objects (the compiled ConfigMap, the ledger PersistentVolumeClaim, the Deployment and the
/// Service) in step with every routing input. They are shared by all RoutingPolicies: every RoutingPolicy, TenantQuota,
/// ModelServing and GpuNode change (and a change to the objects themselves) maps to one fixed key (<see cref="Key"/>),
/// and the work queue never runs a key twice at once, so exactly one worker writes them and no lock is needed. Each
/// object goes through <see cref="ChildApplier"/> as a shared child labelled as the operator's: written only when the
/// spec hash differs. The RoutingPolicy controller only reports status (Accepted/Invalid, the loaded hash).
/// </summary>
public sealed partial class RouterObjectsReconciler(
    IKubernetes client,
    RoutingCompilation compilation,
    RoutingSettings settings,
    RouterObjectsProgress progress,
    ILogger<RouterObjectsReconciler> logger) : IReconciler
{
    /// <summary>The one key this controller reconciles: the compiled ConfigMap's namespace and name.</summary>
    public static ObjectKey Key(RoutingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new ObjectKey(settings.RouterNamespace, settings.ConfigMapName);
    }

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        if (key != Key(settings))
        {
            // Another operator-labelled ConfigMap in the router's namespace: not this controller's.
            return ReconcileResult.Success();
        }

        var (compiled, _) = await compilation.CompileAsync(cancellationToken).ConfigureAwait(false);
        if (compiled.Errors.Count > 0)
        {
            // Never hand the router a document it would refuse; the last good one stays in place.
            LogCompileErrors(logger, string.Join("; ", compiled.Errors));
            return ReconcileResult.Failure("compiled router configuration is invalid: " + string.Join("; ", compiled.Errors));
        }

        await ApplyAsync(ChildKinds.ConfigMap, RouterObjectsBuilder.BuildConfigMap(settings, compiled), ChildApplyMode.CreateOrUpdate, cancellationToken).ConfigureAwait(false);
        if (RouterObjectsBuilder.BuildLedgerClaim(settings) is { } claim)
        {
            // Created once and never changed (a claim's size or class is not the operator's to shrink); kept when the
            // router objects are rebuilt, so the ledger survives every rollout. A claim made beforehand by hand is used as is.
            try
            {
                await ApplyAsync(ChildKinds.PersistentVolumeClaim, claim, ChildApplyMode.CreateOnly, cancellationToken).ConfigureAwait(false);
            }
            catch (ChildNotOwnedException)
            {
            }
        }

        await ApplyAsync(ChildKinds.Deployment, RouterObjectsBuilder.BuildDeployment(settings, compiled.MountedSecrets), ChildApplyMode.CreateOrUpdate, cancellationToken).ConfigureAwait(false);
        await ApplyAsync(ChildKinds.Service, RouterObjectsBuilder.BuildService(settings), ChildApplyMode.CreateOrUpdate, cancellationToken).ConfigureAwait(false);
        progress.Applied(compiled.Hash);

        // Secrets are not watched (the operator may only get them by name): look again while one is missing.
        return ReconcileResult.Success(RoutingPolicyReconciler.WaitsForSecret(compiled) ? settings.RetryInterval : null);
    }

    // Read from the API, not a cache: the Deployment informer drops pod specs and the Service one may be absent.
    private async Task ApplyAsync<T>(ChildKind<T> kind, T desired, ChildApplyMode mode, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var result = await ChildApplier.ApplyAsync(client, kind, desired, owner: null, cached: null, readFromApi: true, mode, cancellationToken).ConfigureAwait(false);
        if (result.Outcome != ChildApplyOutcome.Unchanged)
        {
            LogWritten(logger, result.Outcome.ToString(), kind.Kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name, SpecHash.Of(desired) ?? string.Empty);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "{Outcome} router {Kind} {Namespace}/{Name} ({Hash})")]
    private static partial void LogWritten(ILogger logger, string outcome, string kind, string @namespace, string name, string hash);

    [LoggerMessage(2, LogLevel.Error, "The compiled router configuration fails validation and is not written: {Errors}")]
    private static partial void LogCompileErrors(ILogger logger, string errors);
}

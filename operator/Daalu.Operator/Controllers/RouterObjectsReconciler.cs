using Daalu.Operator.Children;
using Daalu.Operator.Routing;
using Daalu.Runtime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Daalu.Operator.Controllers;

/// <summary>
/// Keeps the router's objects (the compiled ConfigMap, the ledger PersistentVolumeClaim, the Deployment or, with the
/// PostgreSQL ledger, the StatefulSet, and the Service) in step with every routing input. They are shared by all RoutingPolicies: every RoutingPolicy, TenantQuota,
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

        var waitsForWorkload = await ApplyWorkloadAsync(compiled.MountedSecrets, cancellationToken).ConfigureAwait(false);
        await ApplyAsync(ChildKinds.Service, RouterObjectsBuilder.BuildService(settings), ChildApplyMode.CreateOrUpdate, cancellationToken).ConfigureAwait(false);
        progress.Applied(compiled.Hash);

        // Secrets are not watched (the operator may only get them by name): look again while one is missing. The
        // workload's readiness is watched, the interval is only a fallback.
        return ReconcileResult.Success(RoutingPolicyReconciler.WaitsForSecret(compiled) || waitsForWorkload ? settings.RetryInterval : null);
    }

    /// <summary>
    /// Applies the workload of the store plan (<see cref="RouterStorePlan"/>): a StatefulSet with a claim per replica
    /// when the ledger is PostgreSQL, else the Deployment on the SQLite claim. The other kind, left by an older operator
    /// (whose PostgreSQL-mode router was a Deployment with its outbox on an emptyDir) or by the other mode, is deleted
    /// once the new workload has a Ready replica: both carry the same pod labels, so the Service keeps selecting the old
    /// pods until then, and a deleted old pod flushes (or parks) its outbox on SIGTERM. Returns true while that wait lasts.
    /// </summary>
    private async Task<bool> ApplyWorkloadAsync(IReadOnlyList<MountedSecret> secrets, CancellationToken cancellationToken)
    {
        if (RouterStorePlan.Decide(settings).ReplicaClaims)
        {
            var set = await ApplyStatefulSetAsync(RouterObjectsBuilder.BuildStatefulSet(settings, secrets), cancellationToken).ConfigureAwait(false);
            if (set is null)
            {
                return true;
            }

            return !await RetireAsync(ChildKinds.Deployment, set.Status?.ReadyReplicas > 0,
                (c, ct) => c.AppsV1.DeleteNamespacedDeploymentAsync(settings.RouterName, settings.RouterNamespace, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        }

        var deployment = await ApplyAsync(ChildKinds.Deployment, RouterObjectsBuilder.BuildDeployment(settings, secrets), ChildApplyMode.CreateOrUpdate, cancellationToken).ConfigureAwait(false);
        return !await RetireAsync(ChildKinds.StatefulSet, deployment.Status?.ReadyReplicas > 0,
            (c, ct) => c.AppsV1.DeleteNamespacedStatefulSetAsync(settings.RouterName, settings.RouterNamespace, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
    }

    // A StatefulSet refuses changes to serviceName, selector, podManagementPolicy and volumeClaimTemplates (422). When
    // the operator's own intent for one of them changed (e.g. the claim size setting), the set is deleted with
    // propagationPolicy Orphan, so its pods keep serving and its claims stay, and made again on the next reconcile; the
    // new set adopts the orphaned pods by its selector and the existing claims by their names (Kubernetes docs,
    // "Deleting a StatefulSet" with --cascade=orphan; claims of a template change only for new ordinals). Returns null
    // then, and the reconcile is retried.
    private async Task<V1StatefulSet?> ApplyStatefulSetAsync(V1StatefulSet desired, CancellationToken cancellationToken)
    {
        try
        {
            return await ApplyAsync(ChildKinds.StatefulSet, desired, ChildApplyMode.CreateOrUpdate, cancellationToken).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException ex) when ((int?)ex.Response?.StatusCode == 422)
        {
            LogRecreatingStatefulSet(logger, settings.RouterNamespace, settings.RouterName, ex.Response.Content ?? ex.Message);
            await client.AppsV1.DeleteNamespacedStatefulSetAsync(settings.RouterName, settings.RouterNamespace,
                new V1DeleteOptions { PropagationPolicy = "Orphan" }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    // Deletes the router workload of the other kind once the current one is Ready; true when nothing is left to wait for.
    // One not labelled as the operator's is left alone (it was not made by the operator).
    private async Task<bool> RetireAsync<T>(ChildKind<T> kind, bool currentReady, Func<IKubernetes, CancellationToken, Task> delete, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        T? old;
        try
        {
            old = await kind.Read(client, settings.RouterNamespace, settings.RouterName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
            return true;
        }

        if (!ChildApplier.IsOurs(old, owner: null))
        {
            return true;
        }

        if (!currentReady)
        {
            return false;
        }

        try
        {
            await delete(client, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
        }

        LogRetired(logger, kind.Kind, settings.RouterNamespace, settings.RouterName);
        return true;
    }

    // Read from the API, not a cache: the Deployment informer drops pod specs and the Service one may be absent.
    private async Task<T> ApplyAsync<T>(ChildKind<T> kind, T desired, ChildApplyMode mode, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var result = await ChildApplier.ApplyAsync(client, kind, desired, owner: null, cached: null, readFromApi: true, mode, cancellationToken).ConfigureAwait(false);
        if (result.Outcome != ChildApplyOutcome.Unchanged)
        {
            LogWritten(logger, result.Outcome.ToString(), kind.Kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name, SpecHash.Of(desired) ?? string.Empty);
        }

        return result.Live;
    }

    [LoggerMessage(1, LogLevel.Information, "{Outcome} router {Kind} {Namespace}/{Name} ({Hash})")]
    private static partial void LogWritten(ILogger logger, string outcome, string kind, string @namespace, string name, string hash);

    [LoggerMessage(3, LogLevel.Information, "Deleted the router {Kind} {Namespace}/{Name}: the router now runs as the other kind, which has a Ready replica")]
    private static partial void LogRetired(ILogger logger, string kind, string @namespace, string name);

    [LoggerMessage(4, LogLevel.Warning, "The router StatefulSet {Namespace}/{Name} refused an update of an immutable field ({Error}); deleting it with its pods orphaned to make it again")]
    private static partial void LogRecreatingStatefulSet(ILogger logger, string @namespace, string name, string error);

    [LoggerMessage(2, LogLevel.Error, "The compiled router configuration fails validation and is not written: {Errors}")]
    private static partial void LogCompileErrors(ILogger logger, string errors);
}

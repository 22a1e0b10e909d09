using System.Net;
using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;
using Daalu.Operator.Routing;
using Daalu.Runtime;
using Daalu.Runtime.Events;
using Daalu.Runtime.Informers;
using Daalu.Runtime.Status;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Daalu.Operator.Controllers;

/// <summary>
/// Reconciles a RoutingPolicy. Every policy shares one router, so each reconcile compiles all of them (with the Ready
/// ModelServings, GpuNodes and TenantQuotas) and converges the router's ConfigMap, Deployment and Service, writing
/// only what differs; then it writes this policy's status: Accepted or Invalid with the reason, the tiers, the
/// effective cascade and the configuration hash the router reports as loaded.
/// </summary>
public sealed partial class RoutingPolicyReconciler(
    IKubernetes client,
    IInformer<RoutingPolicy> policies,
    RoutingCompilation compilation,
    IRouterClient router,
    IStatusWriter status,
    IEventRecorder events,
    RoutingSettings settings,
    TimeProvider time,
    ILogger<RoutingPolicyReconciler> logger) : IReconciler, IDisposable
{
    // The router objects are shared by every policy: one converge at a time, whatever the worker count.
    private readonly SemaphoreSlim _converge = new(1, 1);

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var (compiled, adminKey) = await compilation.CompileAsync(cancellationToken).ConfigureAwait(false);
        if (compiled.Errors.Count > 0)
        {
            // Never hand the router a document it would refuse; the last good one stays in place.
            LogCompileErrors(logger, string.Join("; ", compiled.Errors));
            return ReconcileResult.Failure("compiled router configuration is invalid: " + string.Join("; ", compiled.Errors));
        }

        await _converge.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureConfigMapAsync(RouterObjectsBuilder.BuildConfigMap(settings, compiled), cancellationToken).ConfigureAwait(false);
            if (RouterObjectsBuilder.BuildLedgerClaim(settings) is { } claim)
            {
                await EnsureLedgerClaimAsync(claim, cancellationToken).ConfigureAwait(false);
            }

            await EnsureDeploymentAsync(RouterObjectsBuilder.BuildDeployment(settings, compiled.MountedSecrets), cancellationToken).ConfigureAwait(false);
            await EnsureServiceAsync(RouterObjectsBuilder.BuildService(settings), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _converge.Release();
        }

        var policy = policies.Cache.Get(key);
        if (policy is null || policy.Metadata.DeletionTimestamp is not null || !compiled.Policies.TryGetValue(key, out var verdict))
        {
            return ReconcileResult.Success();
        }

        var now = time.GetUtcNow();
        var generation = policy.Metadata.Generation ?? 0;
        var previous = policy.Status;
        var desired = new RoutingPolicyStatus
        {
            ObservedGeneration = generation,
            Phase = verdict.Accepted ? RoutingReasons.PhaseAccepted : RoutingReasons.PhaseInvalid,
            Tiers = verdict.Tiers,
            EffectiveCascade = [.. verdict.EffectiveCascade],
            ConfigHash = previous?.ConfigHash,
            Conditions = ConditionCopies.Of(previous?.Conditions),
        };
        Conditions.Set(desired.Conditions, RoutingReasons.AcceptedCondition, verdict.Accepted ? ConditionStatus.True : ConditionStatus.False,
            verdict.Reason, verdict.Message, generation, now);

        // Inputs the router cannot use (a backend of a tenant without a TenantQuota, a ModelServing whose GpuNode is
        // gone...) are left out; say so where people look, not only in the log.
        Conditions.Set(desired.Conditions, RoutingReasons.DegradedCondition, compiled.Notes.Count > 0 ? ConditionStatus.True : ConditionStatus.False,
            compiled.Notes.Count > 0 ? RoutingReasons.InputsLeftOut : RoutingReasons.AllInputsUsed,
            compiled.Notes.Count > 0 ? Truncate(string.Join(" ", compiled.Notes), 1024) : "Every Ready ModelServing and configured TenantQuota is in the router configuration.",
            generation, now);

        // More replicas than the stores allow: one runs, and the policy says which store is missing.
        var stores = RouterStorePlan.Decide(settings);
        Conditions.Set(desired.Conditions, RoutingReasons.RouterReplicasCondition, stores.Refused is null ? ConditionStatus.True : ConditionStatus.False,
            stores.Refused is null ? RoutingReasons.ReplicasAsRequested : RoutingReasons.SharedStoresMissing,
            stores.Refused ?? $"The router runs {stores.Replicas} replica(s) as asked; ledger: {(stores.LedgerOnClaim ? $"SQLite on PersistentVolumeClaim {settings.LedgerClaimName}" : "shared PostgreSQL")}.",
            generation, now);

        TimeSpan? requeue = null;
        var loaded = adminKey is null ? null : await router.GetLoadedConfigHashAsync(adminKey, cancellationToken).ConfigureAwait(false);
        if (loaded is null)
        {
            Conditions.Set(desired.Conditions, RoutingReasons.ConfigLoadedCondition, ConditionStatus.Unknown, RoutingReasons.RouterUnreachable,
                $"Configuration {compiled.Hash} is written to ConfigMap {settings.ConfigMapName}; the router could not be asked which one it has loaded.", generation, now);
            requeue = settings.RetryInterval;
        }
        else
        {
            desired.ConfigHash = loaded;
            var current = loaded == compiled.Hash;
            Conditions.Set(desired.Conditions, RoutingReasons.ConfigLoadedCondition, current ? ConditionStatus.True : ConditionStatus.False,
                current ? RoutingReasons.Loaded : RoutingReasons.Pending,
                current ? $"The router has loaded configuration {loaded}." : $"The router runs configuration {loaded}; {compiled.Hash} is written and is picked up within seconds.",
                generation, now);

            // The kubelet refreshes a mounted ConfigMap within about a minute and the router then reloads at once: look again soon.
            requeue = current ? null : TimeSpan.FromSeconds(2);
        }

        // Secrets are not watched (the operator may only get them by name): look again while one is missing.
        if (WaitsForSecret(compiled))
        {
            requeue = requeue is { } r && r < settings.RetryInterval ? r : settings.RetryInterval;
        }

        var outcome = await status.WriteAsync(policy, desired, cancellationToken).ConfigureAwait(false);
        if (outcome == StatusWriteOutcome.Conflict)
        {
            return ReconcileResult.Failure("status write conflicted; the RoutingPolicy changed since it was read");
        }

        if (outcome == StatusWriteOutcome.Written && previous?.Phase != desired.Phase)
        {
            await events.RecordAsync(policy, verdict.Accepted ? EventTypes.Normal : EventTypes.Warning, verdict.Reason, verdict.Message, cancellationToken).ConfigureAwait(false);
        }

        return ReconcileResult.Success(requeue);
    }

    /// <inheritdoc />
    public void Dispose() => _converge.Dispose();

    /// <summary>Every policy's key: any change to a routing input can change every policy's outcome.</summary>
    public static IEnumerable<ObjectKey> AllPolicies(IResourceCache<RoutingPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return policies.Keys();
    }

    private async Task EnsureConfigMapAsync(V1ConfigMap desired, CancellationToken cancellationToken)
    {
        var ns = desired.Metadata.NamespaceProperty;
        var live = await TryReadAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync(desired.Metadata.Name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (live is null)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(desired, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogWritten(logger, "ConfigMap", ns, desired.Metadata.Name, desired.Metadata.Annotations[RouterObjectsBuilder.ConfigHashAnnotation]);
            return;
        }

        var same = live.Data is { } data && data.Count == desired.Data.Count
            && desired.Data.All(kv => data.TryGetValue(kv.Key, out var v) && v == kv.Value)
            && SameEntries(live.Metadata.Labels, desired.Metadata.Labels)
            && SameEntries(live.Metadata.Annotations, desired.Metadata.Annotations);
        if (same)
        {
            return;
        }

        desired.Metadata.ResourceVersion = live.Metadata.ResourceVersion;
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(desired, desired.Metadata.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        LogWritten(logger, "ConfigMap", ns, desired.Metadata.Name, desired.Metadata.Annotations[RouterObjectsBuilder.ConfigHashAnnotation]);
    }

    private async Task EnsureDeploymentAsync(V1Deployment desired, CancellationToken cancellationToken)
    {
        var ns = desired.Metadata.NamespaceProperty;
        var hash = SpecHash.Stamp(desired);
        var live = await TryReadAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync(desired.Metadata.Name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (live is null)
        {
            await client.AppsV1.CreateNamespacedDeploymentAsync(desired, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogWritten(logger, "Deployment", ns, desired.Metadata.Name, hash);
            return;
        }

        if (SpecHash.Of(live) == hash)
        {
            return;
        }

        desired.Metadata.ResourceVersion = live.Metadata.ResourceVersion;
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(desired, desired.Metadata.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        LogWritten(logger, "Deployment", ns, desired.Metadata.Name, hash);
    }

    // Created once and never changed (a claim's size or class is not the operator's to shrink); kept when the router
    // objects are rebuilt, so the ledger survives every rollout.
    private async Task EnsureLedgerClaimAsync(V1PersistentVolumeClaim desired, CancellationToken cancellationToken)
    {
        var ns = desired.Metadata.NamespaceProperty;
        var live = await TryReadAsync(() => client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(desired.Metadata.Name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (live is null)
        {
            await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(desired, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogWritten(logger, "PersistentVolumeClaim", ns, desired.Metadata.Name, "created");
        }
    }

    private async Task EnsureServiceAsync(V1Service desired, CancellationToken cancellationToken)
    {
        var ns = desired.Metadata.NamespaceProperty;
        var hash = SpecHash.Stamp(desired);
        var live = await TryReadAsync(() => client.CoreV1.ReadNamespacedServiceAsync(desired.Metadata.Name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (live is null)
        {
            await client.CoreV1.CreateNamespacedServiceAsync(desired, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogWritten(logger, "Service", ns, desired.Metadata.Name, hash);
            return;
        }

        if (SpecHash.Of(live) == hash)
        {
            return;
        }

        // clusterIP is immutable and assigned by the server: carry it over.
        desired.Metadata.ResourceVersion = live.Metadata.ResourceVersion;
        desired.Spec.ClusterIP = live.Spec?.ClusterIP;
        desired.Spec.ClusterIPs = live.Spec?.ClusterIPs;
        await client.CoreV1.ReplaceNamespacedServiceAsync(desired, desired.Metadata.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        LogWritten(logger, "Service", ns, desired.Metadata.Name, hash);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 3)] + "...";

    private static bool WaitsForSecret(CompiledRouterConfig compiled) =>
        compiled.Policies.Values.Any(v => v.Reason == RoutingReasons.ProviderKeySecretMissing)
        || compiled.Tenants.Values.Any(v => v.Reason == RoutingReasons.KeySecretMissing);

    private static bool SameEntries(IDictionary<string, string>? live, IDictionary<string, string>? desired) =>
        (desired ?? new Dictionary<string, string>()).All(kv => live is not null && live.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static async Task<T?> TryReadAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Wrote router {Kind} {Namespace}/{Name} ({Hash})")]
    private static partial void LogWritten(ILogger logger, string kind, string @namespace, string name, string hash);

    [LoggerMessage(2, LogLevel.Error, "The compiled router configuration fails validation and is not written: {Errors}")]
    private static partial void LogCompileErrors(ILogger logger, string errors);
}

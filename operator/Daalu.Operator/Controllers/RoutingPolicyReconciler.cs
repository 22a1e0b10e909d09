using Daalu.Api.V1Alpha1;
using Daalu.Operator.Routing;
using Daalu.Runtime;
using Daalu.Runtime.Events;
using Daalu.Runtime.Informers;
using Daalu.Runtime.Status;
using Microsoft.Extensions.Logging;

namespace Daalu.Operator.Controllers;

/// <summary>
/// Reconciles a RoutingPolicy's status. Every policy shares one router, so each reconcile compiles all of them (with the
/// Ready ModelServings, GpuNodes and TenantQuotas) and writes this policy's status: Accepted or Invalid with the reason,
/// the tiers, the effective cascade and the configuration hash the router reports as loaded. The router's objects
/// (ConfigMap, ledger claim, Deployment, Service) are written by <see cref="RouterObjectsReconciler"/> alone, on one
/// fixed key; this controller never writes them.
/// </summary>
public sealed partial class RoutingPolicyReconciler(
    IInformer<RoutingPolicy> policies,
    RoutingCompilation compilation,
    IRouterClient router,
    IStatusWriter status,
    IEventRecorder events,
    RoutingSettings settings,
    RouterObjectsProgress objects,
    TimeProvider time,
    ILogger<RoutingPolicyReconciler> logger) : IReconciler
{
    // How soon to look again while the router objects for the compiled configuration are still being written.
    private static readonly TimeSpan ObjectsPending = TimeSpan.FromMilliseconds(500);

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var (compiled, adminKey) = await compilation.CompileAsync(cancellationToken).ConfigureAwait(false);
        if (compiled.Errors.Count > 0)
        {
            // RouterObjectsReconciler does not write it either: the last good one stays in place.
            LogCompileErrors(logger, string.Join("; ", compiled.Errors));
            return ReconcileResult.Failure("compiled router configuration is invalid: " + string.Join("; ", compiled.Errors));
        }

        if (objects.AppliedHash != compiled.Hash)
        {
            // RouterObjectsReconciler has not written this configuration's objects yet (it is queued by the same
            // change): report once it has, so an Accepted policy always has its ConfigMap, claim, Deployment and Service.
            return ReconcileResult.Success(ObjectsPending);
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
            stores.Refused ?? $"The router runs {stores.Replicas} replica(s) as asked; ledger: {(stores.LedgerOnClaim ? $"SQLite on PersistentVolumeClaim {settings.LedgerClaimName}" : "shared PostgreSQL, a StatefulSet with each replica's outbox on its own claim")}.",
            generation, now);

        TimeSpan? requeue = null;
        var loadedConfig = adminKey is null ? null : await router.GetLoadedConfigAsync(adminKey, cancellationToken).ConfigureAwait(false);
        var loaded = loadedConfig?.Hash;
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
                Truncate(current
                    ? $"The router has loaded configuration {loaded}.{LoadedConfigNotes.Refusals(loadedConfig!)}"
                    : loadedConfig!.LastRefused is { } refused
                        ? $"The router runs configuration {loaded} and refused the newer file: {refused}"
                        : $"The router runs configuration {loaded}; {compiled.Hash} is written and is picked up within seconds.", 1024),
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

    /// <summary>Every policy's key: any change to a routing input can change every policy's outcome.</summary>
    public static IEnumerable<ObjectKey> AllPolicies(IResourceCache<RoutingPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return policies.Keys();
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 3)] + "...";

    /// <summary>Whether a referenced Secret is missing: Secrets are not watched, so both routing controllers look again.</summary>
    internal static bool WaitsForSecret(CompiledRouterConfig compiled) =>
        compiled.Policies.Values.Any(v => v.Reason == RoutingReasons.ProviderKeySecretMissing)
        || compiled.Tenants.Values.Any(v => v.Reason == RoutingReasons.KeySecretMissing);

    [LoggerMessage(2, LogLevel.Error, "The compiled router configuration fails validation and is not written: {Errors}")]
    private static partial void LogCompileErrors(ILogger logger, string errors);
}

using Daalu.Api.V1Alpha1;
using Daalu.Contracts.Usage;
using Daalu.Operator.Routing;
using Daalu.Operator.Tenancy;
using Daalu.Runtime;
using Daalu.Runtime.Informers;
using Daalu.Runtime.Status;
using Microsoft.Extensions.Logging;

namespace Daalu.Operator.Controllers;

/// <summary>
/// Reconciles a TenantQuota: the role derived by the gateway's <see cref="RoleResolver"/> from the tenant's GpuNodes
/// and enrolment; whether the tenant is in the router configuration (its key Secrets); and, every
/// <see cref="RoutingSettings.UsageRefreshInterval"/>, the period's usage read from the router's GET /v1/usage with
/// the operator's admin key, with the QuotaExceeded condition.
/// </summary>
public sealed partial class TenantQuotaReconciler(
    IInformer<TenantQuota> quotas,
    IInformer<GpuNode> gpuNodes,
    RoutingCompilation compilation,
    IUsageClient usage,
    IStatusWriter status,
    RoutingSettings settings,
    TimeProvider time,
    ILogger<TenantQuotaReconciler> logger) : IReconciler
{
    /// <summary>The role of <paramref name="tenant"/>: never chosen, always derived from its GpuNodes and enrolment.</summary>
    public static TenantRole RoleOf(string tenant, IEnumerable<GpuNode> gpuNodes, bool enrolled)
    {
        ArgumentNullException.ThrowIfNull(gpuNodes);
        var own = gpuNodes
            .Where(g => g.Metadata?.DeletionTimestamp is null && g.Spec?.Tenant == tenant)
            .Select(g => (Ready: g.Status?.Phase == GpuNodePhases.Ready, Sharing: g.Spec.Sharing?.Enabled == true));
        return RoleResolver.Resolve(tenant, own, enrolled);
    }

    /// <summary>The TenantQuotas a GpuNode change concerns: those of its tenant.</summary>
    public static IEnumerable<ObjectKey> KeysForGpuNode(IResourceCache<TenantQuota> quotas, GpuNode gpuNode)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentNullException.ThrowIfNull(gpuNode);
        var tenant = gpuNode.Spec?.Tenant;
        return string.IsNullOrEmpty(tenant) ? [] : quotas.List().Where(q => q.Spec?.Tenant == tenant).Select(q => ObjectKey.Of(q)).ToList();
    }

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var quota = quotas.Cache.Get(key);
        if (quota is null || quota.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Success();
        }

        var spec = quota.Spec ?? new TenantQuotaSpec();
        var now = time.GetUtcNow();
        var generation = quota.Metadata.Generation ?? 0;
        var previous = quota.Status;
        var desired = new TenantQuotaStatus
        {
            ObservedGeneration = generation,
            Role = RoleOf(spec.Tenant, gpuNodes.Cache.List(), spec.Enrolled).ToString(),
            Period = previous?.Period,
            TokensUsed = previous?.TokensUsed ?? 0,
            TokensRemaining = previous?.TokensRemaining ?? spec.MonthlyTokenBudget,
            Spend = previous?.Spend ?? 0,
            CommercialEquivalent = previous?.CommercialEquivalent ?? 0,
            SavingsPercent = previous?.SavingsPercent ?? 0,
            CommercialReferenceSku = previous?.CommercialReferenceSku,
            ProviderCredits = previous?.ProviderCredits ?? 0,
            Usage = [.. (previous?.Usage ?? []).Select(u => new UsageLine { Tier = u.Tier, RequestClass = u.RequestClass, Requests = u.Requests, TokensIn = u.TokensIn, TokensOut = u.TokensOut, Spend = u.Spend })],
            LastUpdated = previous?.LastUpdated,
            Conditions = ConditionCopies.Of(previous?.Conditions),
        };

        var (compiled, adminKey) = await compilation.CompileAsync(cancellationToken).ConfigureAwait(false);
        var verdict = compiled.Tenants.TryGetValue(key, out var v) ? v : new TenantVerdict(false, RoutingReasons.KeySecretMissing, "Not compiled.");
        Conditions.Set(desired.Conditions, RoutingReasons.ReadyCondition, verdict.Configured ? ConditionStatus.True : ConditionStatus.False,
            verdict.Reason, verdict.Message, generation, now);

        if (!verdict.Configured)
        {
            Conditions.Set(desired.Conditions, RoutingReasons.UsageAvailableCondition, ConditionStatus.False, verdict.Reason,
                "The tenant is not in the router configuration, so it has no usage.", generation, now);
        }
        else if (adminKey is null)
        {
            Conditions.Set(desired.Conditions, RoutingReasons.UsageAvailableCondition, ConditionStatus.False, RoutingReasons.RouterUnreachable,
                $"The operator has no admin key for the router (Secret {settings.RouterNamespace}/{settings.AdminKeySecretName}).", generation, now);
        }
        else
        {
            try
            {
                var report = await usage.GetUsageAsync(adminKey, spec.Tenant, UsageStatusMapper.DaysInPeriodSoFar(now), cancellationToken).ConfigureAwait(false);
                UsageStatusMapper.Apply(desired, spec, report, now);
                desired.LastUpdated = now;
                Conditions.Set(desired.Conditions, RoutingReasons.UsageAvailableCondition, ConditionStatus.True, RoutingReasons.UsageRead,
                    "Usage is read from the router's ledger.", generation, now);
            }
            catch (RouterUnavailableException ex)
            {
                // Keep the last numbers: a router restart should not make a tenant look unused.
                LogUsageUnavailable(logger, spec.Tenant, ex.Message);
                Conditions.Set(desired.Conditions, RoutingReasons.UsageAvailableCondition, ConditionStatus.False, RoutingReasons.RouterUnreachable,
                    ex.Message, generation, now);
            }
        }

        var (exceeded, reason, message) = UsageStatusMapper.QuotaExceeded(spec, desired.TokensUsed, desired.TokensRemaining);
        Conditions.Set(desired.Conditions, RoutingReasons.QuotaExceededCondition, exceeded, reason, message, generation, now);

        var outcome = await status.WriteAsync(quota, desired, cancellationToken).ConfigureAwait(false);
        return outcome == StatusWriteOutcome.Conflict
            ? ReconcileResult.Failure("status write conflicted; the TenantQuota changed since it was read")
            : ReconcileResult.Success(settings.UsageRefreshInterval);
    }

    [LoggerMessage(1, LogLevel.Warning, "Usage of tenant {Tenant} could not be read from the router: {Error}")]
    private static partial void LogUsageUnavailable(ILogger logger, string tenant, string error);
}

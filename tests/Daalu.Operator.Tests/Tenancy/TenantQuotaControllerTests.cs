using System.Globalization;
using System.Text;
using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;
using Daalu.Operator.Routing;
using Daalu.Operator.Tenancy;
using Daalu.Operator.Tests.Routing;
using Daalu.Operator.Tests.Support;
using k8s;

namespace Daalu.Operator.Tests.Tenancy;

// The TenantQuota controller with the real runtime against the Kubernetes API test server; usage comes from a fake
// GET /v1/usage server that answers in the gateway's documented shape (FakeUsageServer); the end-to-end test reads it
// from a real router instead.
public sealed class TenantQuotaControllerTests
{
    private static TenantQuota Quota(string tenant, long budget = 100_000)
    {
        var q = RoutingFixtures.Quota(tenant);
        q.Metadata.CreationTimestamp = null;
        q.Metadata.Generation = null;
        q.Spec.MonthlyTokenBudget = budget;
        return q;
    }

    private static Task<RoutingHarness> StartAsync(string? routerUrl = null) =>
        RoutingHarness.StartAsync(routerUrl, configure: h => h.Extra = b => b.AddDaaluTenancy());

    private static Task<TenantQuota> WaitAsync(RoutingHarness h, string name, Func<TenantQuota, bool> until, string what, int timeoutMs = 20000) =>
        OperatorHarness.EventuallyAsync(() => h.GetAsync<TenantQuota>("tenantquotas", name), until, what, timeoutMs);

    private static Condition? ConditionOf(TenantQuota q, string type) => q.Status?.Conditions.SingleOrDefault(c => c.Type == type);

    private static UsageReport Report(string tenant, long used, long budget)
    {
        var now = DateTime.UtcNow;
        var today = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new UsageReport(tenant, "Consumer", today, today, now.Day,
            [
                new UsageRow(today, null, TierNames.Hosted, RequestClasses.Chat, 3, 2000, 1000, 0.0012m, 0.021m, 94.29m, 0, 0),
                new UsageRow(today, null, TierNames.External, RequestClasses.Agent, 1, 500, 500, 0.001m, 0.009m, 88.89m, 0, 0),
            ],
            new UsageTotals(4, 2500, 1500, 0.0022m, 0.03m, 92.67m),
            new QuotaStatus(now.ToString("yyyy-MM", CultureInfo.InvariantCulture), budget, used, Math.Max(0, budget - used), false),
            null,
            []);
    }

    [Fact]
    public async Task Consumer_UsageFromTheRouter_StatusRoleUsageAndQuotaExceededWithinSeconds()
    {
        await using var usage = await FakeUsageServer.StartAsync();
        await using var h = await StartAsync(usage.BaseUrl);
        await h.CreateSecretAsync("team-c-api-keys", ("key-1", "team-c-secret-key-0001"));
        usage.Set("team-c", Report("team-c", used: 3000, budget: 100_000));
        await h.CreateAsync(Quota("team-c"), "tenantquotas");

        // The operator created its admin key; the router (here: the fake) knows it from the mounted Secret.
        var admin = await OperatorHarness.EventuallyAsync(
            () => ClusterStandIns.TryReadAsync(() => h.Client.CoreV1.ReadNamespacedSecretAsync("daalu-router-admin-key", RoutingHarness.Ns)), _ => true, "admin key Secret");
        var adminKey = Encoding.UTF8.GetString(admin.Data["key"]);
        usage.AdminKey = () => adminKey;

        var quota = await WaitAsync(h, "team-c", q => ConditionOf(q, RoutingReasons.UsageAvailableCondition)?.Status == ConditionStatus.True, "usage read");
        Assert.Equal(TenantRoles.Consumer, quota.Status!.Role);
        Assert.Equal(ConditionStatus.True, ConditionOf(quota, RoutingReasons.ReadyCondition)!.Status);
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture), quota.Status.Period);
        Assert.Equal((3000L, 97_000L), (quota.Status.TokensUsed, quota.Status.TokensRemaining));
        Assert.Equal(0.0022m, quota.Status.Spend);
        Assert.Equal(0.03m, quota.Status.CommercialEquivalent);
        Assert.Equal(92.67m, quota.Status.SavingsPercent);
        Assert.Equal([(TierNames.Hosted, RequestClasses.Chat, 3L), (TierNames.External, RequestClasses.Agent, 1L)], quota.Status.Usage.Select(u => (u.Tier, u.RequestClass, u.Requests)));
        Assert.NotNull(quota.Status.LastUpdated);
        Assert.Equal((ConditionStatus.False, RoutingReasons.WithinBudget), (ConditionOf(quota, RoutingReasons.QuotaExceededCondition)!.Status, ConditionOf(quota, RoutingReasons.QuotaExceededCondition)!.Reason));
        Assert.Contains(usage.Queries, q => q == ("team-c", DateTime.UtcNow.Day));

        // Refreshed on a timer (every 500 ms here, 30 s by default), not only on change.
        usage.Set("team-c", Report("team-c", used: 100_000, budget: 100_000));
        var exceeded = await WaitAsync(h, "team-c", q => ConditionOf(q, RoutingReasons.QuotaExceededCondition)?.Status == ConditionStatus.True, "QuotaExceeded", 5000);
        Assert.Equal(RoutingReasons.BudgetExhausted, ConditionOf(exceeded, RoutingReasons.QuotaExceededCondition)!.Reason);
        Assert.Equal(0, exceeded.Status!.TokensRemaining);
    }

    [Fact]
    public async Task Role_FollowsTheTenantsGpuNodes()
    {
        await using var h = await StartAsync();
        await h.CreateSecretAsync("team-a-api-keys", ("key-1", "team-a-secret-key-0001"));
        await h.CreateAsync(Quota("team-a"), "tenantquotas");
        await WaitAsync(h, "team-a", q => q.Status?.Role == TenantRoles.Consumer, "Consumer without a card");

        await h.CreateReadyGpuNodeAsync("gpu-1", "node-a", "team-a", sharing: true);
        await WaitAsync(h, "team-a", q => q.Status?.Role == TenantRoles.Provider, "Provider with a shared ready card", 5000);

        await h.PatchAsync("gpunodes", "gpu-1", """{"spec":{"sharing":{"enabled":false}}}""", null);
        await WaitAsync(h, "team-a", q => q.Status?.Role == TenantRoles.Owner, "Owner once the card stops sharing", 5000);

        await h.DeleteAsync("gpunodes", "gpu-1", null);
        await WaitAsync(h, "team-a", q => q.Status?.Role == TenantRoles.Consumer, "Consumer once the card is gone", 5000);
    }

    [Fact]
    public async Task NotUsable_KeySecretMissingOrRouterUnreachable_ConditionsSayWhy()
    {
        await using var h = await StartAsync();
        await h.CreateAsync(Quota("team-c"), "tenantquotas");

        var missing = await WaitAsync(h, "team-c", q => ConditionOf(q, RoutingReasons.ReadyCondition)?.Reason == RoutingReasons.KeySecretMissing, "KeySecretMissing");
        Assert.Equal(ConditionStatus.False, ConditionOf(missing, RoutingReasons.ReadyCondition)!.Status);
        Assert.Contains("team-c-api-keys/key-1", ConditionOf(missing, RoutingReasons.ReadyCondition)!.Message, StringComparison.Ordinal);
        Assert.Equal(ConditionStatus.False, ConditionOf(missing, RoutingReasons.UsageAvailableCondition)!.Status);

        await h.CreateSecretAsync("team-c-api-keys", ("key-1", "team-c-secret-key-0001"));
        var unreachable = await WaitAsync(h, "team-c", q => ConditionOf(q, RoutingReasons.ReadyCondition)?.Status == ConditionStatus.True, "Ready once the Secret exists");
        Assert.Equal(RoutingReasons.RouterUnreachable,
            (await WaitAsync(h, "team-c", q => ConditionOf(q, RoutingReasons.UsageAvailableCondition)?.Reason == RoutingReasons.RouterUnreachable, "RouterUnreachable")).Status!.Conditions.Single(c => c.Type == RoutingReasons.UsageAvailableCondition).Reason);
        Assert.Equal(TenantRoles.Consumer, unreachable.Status!.Role);
    }
}

using Daalu.Api.V1Alpha1;
using Daalu.Operator.Routing;
using Daalu.Operator.Tests.Support;
using k8s;

namespace Daalu.Operator.Tests.Routing;

/// <summary>
/// Issue 16, deliverable 5, through the running RoutingPolicy controller (the pure decision is in
/// <see cref="RouterStorePlanTests"/>): more than one router replica without shared stores is refused with a status
/// condition and one replica keeps its SQLite ledger on a claim; with both stores from Secrets the replicas run.
/// </summary>
public sealed class RouterReplicasControllerTests
{
    private static async Task<RoutingHarness> StartAsync(Action<RoutingSettings> configure)
    {
        var h = await RoutingHarness.StartAsync(configure: h => configure(h.Routing));
        await h.CreateSecretAsync("external-provider-keys", ("openai", "sk-test-openai-key"));
        await h.CreateSecretAsync("team-c-api-keys", ("key-1", "team-c-secret-key-0001"));
        var quota = RoutingFixtures.Quota("team-c");
        quota.Metadata.CreationTimestamp = null;
        quota.Metadata.Generation = null;
        await h.CreateAsync(quota, "tenantquotas");
        var policy = RoutingFixtures.Policy();
        policy.Metadata.CreationTimestamp = null;
        policy.Metadata.Generation = null;
        await h.CreateAsync(policy, "routingpolicies");
        return h;
    }

    [Fact]
    public async Task Reconcile_ThreeReplicasWithRedisButNoPostgres_OneReplicaOnTheClaimAndSharedStoresMissing()
    {
        await using var h = await StartAsync(r =>
        {
            r.Replicas = 3;
            r.RedisSecretName = "quota-redis";
        });

        var policy = await h.WaitPolicyAsync("default", p => p.Status?.Conditions.Any(c => c.Type == RoutingReasons.RouterReplicasCondition) == true, "RouterReplicas condition");
        var replicas = policy.Status!.Conditions.Single(c => c.Type == RoutingReasons.RouterReplicasCondition);
        Assert.Equal((ConditionStatus.False, RoutingReasons.SharedStoresMissing), (replicas.Status, replicas.Reason));
        Assert.Contains("3 router replicas were asked for, but PostgreSQL for the ledger (DAALU_ROUTER_POSTGRES_SECRET) is not configured", replicas.Message, StringComparison.Ordinal);

        var deployment = await OperatorHarness.EventuallyAsync(
            () => ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedDeploymentAsync(h.Routing.RouterName, RoutingHarness.Ns)), _ => true, "router Deployment");
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
        Assert.Equal(h.Routing.LedgerClaimName, deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == "ledger").PersistentVolumeClaim.ClaimName);
        Assert.NotNull(await ClusterStandIns.TryReadAsync(() => h.Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(h.Routing.LedgerClaimName, RoutingHarness.Ns)));
    }

    [Fact]
    public async Task Reconcile_ThreeReplicasWithRedisAndPostgresSecrets_ThreeReplicasWiredFromTheSecretsNoClaim()
    {
        await using var h = await StartAsync(r =>
        {
            r.Replicas = 3;
            r.RedisSecretName = "quota-redis";
            r.PostgresSecretName = "ledger-db";
            r.PostgresSecretKey = "uri";
        });

        var policy = await h.WaitPolicyAsync("default", p => p.Status?.Conditions.Any(c => c.Type == RoutingReasons.RouterReplicasCondition) == true, "RouterReplicas condition");
        var replicas = policy.Status!.Conditions.Single(c => c.Type == RoutingReasons.RouterReplicasCondition);
        Assert.Equal((ConditionStatus.True, RoutingReasons.ReplicasAsRequested), (replicas.Status, replicas.Reason));
        Assert.Contains("shared PostgreSQL", replicas.Message, StringComparison.Ordinal);

        var deployment = await OperatorHarness.EventuallyAsync(
            () => ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedDeploymentAsync(h.Routing.RouterName, RoutingHarness.Ns)), _ => true, "router Deployment");
        Assert.Equal(3, deployment.Spec.Replicas);
        var env = deployment.Spec.Template.Spec.Containers.Single().Env;
        var postgres = env.Single(e => e.Name == RouterObjectsBuilder.PostgresEnv).ValueFrom.SecretKeyRef;
        var redis = env.Single(e => e.Name == RouterObjectsBuilder.RedisUrlEnv).ValueFrom.SecretKeyRef;
        Assert.Equal((("ledger-db", "uri"), ("quota-redis", "url")), ((postgres.Name, postgres.Key), (redis.Name, redis.Key)));
        Assert.Null(await ClusterStandIns.TryReadAsync(() => h.Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(h.Routing.LedgerClaimName, RoutingHarness.Ns)));
    }
}

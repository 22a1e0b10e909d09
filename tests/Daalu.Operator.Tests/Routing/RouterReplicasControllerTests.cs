using Daalu.Api.V1Alpha1;
using Daalu.Operator.Routing;
using Daalu.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Routing;

/// <summary>
/// Issue 16, deliverable 5, through the running RoutingPolicy controller (the pure decision is in
/// <see cref="RouterStorePlanTests"/>): more than one router replica without shared stores is refused with a status
/// condition and one replica keeps its SQLite ledger on a claim; with both stores from Secrets the replicas run.
/// </summary>
public sealed class RouterReplicasControllerTests
{
    private static async Task<RoutingHarness> StartAsync(Action<RoutingSettings> configure, Func<RoutingHarness, Task>? beforeOperator = null)
    {
        var h = await RoutingHarness.StartAsync(startOperator: beforeOperator is null, configure: h => configure(h.Routing));
        if (beforeOperator is not null)
        {
            await beforeOperator(h);
            await h.StartOperatorAsync();
        }

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

    private static void SharedStores(RoutingSettings r)
    {
        r.Replicas = 3;
        r.RedisSecretName = "quota-redis";
        r.PostgresSecretName = "ledger-db";
        r.PostgresSecretKey = "uri";
    }

    private static Task<V1StatefulSet> RouterStatefulSetAsync(RoutingHarness h) => OperatorHarness.EventuallyAsync(
        () => ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedStatefulSetAsync(h.Routing.RouterName, RoutingHarness.Ns)), _ => true, "router StatefulSet");

    [Fact]
    public async Task Reconcile_ThreeReplicasWithRedisAndPostgresSecrets_StatefulSetWiredFromTheSecretsWithAnOutboxClaimPerReplica()
    {
        await using var h = await StartAsync(SharedStores);

        var policy = await h.WaitPolicyAsync("default", p => p.Status?.Conditions.Any(c => c.Type == RoutingReasons.RouterReplicasCondition) == true, "RouterReplicas condition");
        var replicas = policy.Status!.Conditions.Single(c => c.Type == RoutingReasons.RouterReplicasCondition);
        Assert.Equal((ConditionStatus.True, RoutingReasons.ReplicasAsRequested), (replicas.Status, replicas.Reason));
        Assert.Contains("shared PostgreSQL", replicas.Message, StringComparison.Ordinal);

        // Accepted by the API test server's StatefulSet validation (selector matching the template, policies).
        var set = await RouterStatefulSetAsync(h);
        Assert.Equal(3, set.Spec.Replicas);
        var env = set.Spec.Template.Spec.Containers.Single().Env;
        var postgres = env.Single(e => e.Name == RouterObjectsBuilder.PostgresEnv).ValueFrom.SecretKeyRef;
        var redis = env.Single(e => e.Name == RouterObjectsBuilder.RedisUrlEnv).ValueFrom.SecretKeyRef;
        Assert.Equal((("ledger-db", "uri"), ("quota-redis", "url")), ((postgres.Name, postgres.Key), (redis.Name, redis.Key)));
        Assert.Equal(RouterObjectsBuilder.OutboxClaimTemplate, Assert.Single(set.Spec.VolumeClaimTemplates).Metadata.Name);
        Assert.Equal(("Retain", "Retain"), (set.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted, set.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled));
        Assert.Null(await ClusterStandIns.TryReadAsync(() => h.Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(h.Routing.LedgerClaimName, RoutingHarness.Ns)));
        Assert.Null(await ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedDeploymentAsync(h.Routing.RouterName, RoutingHarness.Ns)));
        var service = await OperatorHarness.EventuallyAsync(
            () => ClusterStandIns.TryReadAsync(() => h.Client.CoreV1.ReadNamespacedServiceAsync(h.Routing.RouterName, RoutingHarness.Ns)), _ => true, "router Service");
        Assert.All(service.Spec.Selector, kv => Assert.Equal(kv.Value, set.Spec.Template.Metadata.Labels[kv.Key]));
    }

    // An older operator ran the PostgreSQL-mode router as a Deployment with its outbox on an emptyDir. The new operator
    // makes the StatefulSet next to it and deletes the Deployment only once a StatefulSet replica is Ready: the Service
    // selects the pods of both, so the router keeps serving through the switch.
    [Fact]
    public async Task Reconcile_DeploymentFromAnOlderOperator_KeptUntilTheStatefulSetIsReadyThenDeleted()
    {
        await using var h = await StartAsync(SharedStores, async h =>
        {
            var old = RouterObjectsBuilder.BuildDeployment(new RoutingSettings { RouterNamespace = RoutingHarness.Ns }, []);
            old.Spec.Replicas = 3;
            old.Spec.Template.Spec.Volumes.Single(v => v.Name == RouterObjectsBuilder.LedgerVolume).PersistentVolumeClaim = null;
            old.Spec.Template.Spec.Volumes.Single(v => v.Name == RouterObjectsBuilder.LedgerVolume).EmptyDir = new V1EmptyDirVolumeSource();
            old.Spec.Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 } };
            await h.Client.AppsV1.CreateNamespacedDeploymentAsync(old, RoutingHarness.Ns);
        });

        var set = await RouterStatefulSetAsync(h);
        await h.WaitPolicyAsync("default", p => p.Status?.Conditions.Any(c => c.Type == RoutingReasons.RouterReplicasCondition) == true, "RouterReplicas condition");
        Assert.NotNull(await ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedDeploymentAsync(h.Routing.RouterName, RoutingHarness.Ns)));

        await ClusterStandIns.MarkStatefulSetReadyAsync(h.Client, RoutingHarness.Ns, set.Metadata.Name, ready: 1);

        await OperatorHarness.EventuallyAsync(
            async () => await ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedDeploymentAsync(h.Routing.RouterName, RoutingHarness.Ns)) is null, gone => gone, "old router Deployment deleted");
        Assert.NotNull(await ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedStatefulSetAsync(h.Routing.RouterName, RoutingHarness.Ns)));
    }

    // The claim template is immutable on a StatefulSet; a new claim size is applied by deleting the set with its pods
    // orphaned (they keep serving, their claims stay) and making it again.
    [Fact]
    public async Task Reconcile_ClaimSizeChanged_StatefulSetOrphanDeletedAndMadeAgain()
    {
        await using var h = await StartAsync(SharedStores);
        var first = await RouterStatefulSetAsync(h);

        h.Routing.LedgerStorageSize = "2Gi";
        // Any change to a router object queues the reconcile; deleting the Service is one the operator repairs.
        await OperatorHarness.EventuallyAsync(
            () => ClusterStandIns.TryReadAsync(() => h.Client.CoreV1.ReadNamespacedServiceAsync(h.Routing.RouterName, RoutingHarness.Ns)), s => s is not null, "router Service");
        await h.Client.CoreV1.DeleteNamespacedServiceAsync(h.Routing.RouterName, RoutingHarness.Ns);

        var second = await OperatorHarness.EventuallyAsync(
            () => ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedStatefulSetAsync(h.Routing.RouterName, RoutingHarness.Ns)),
            s => s is not null && s.Metadata.Uid != first.Metadata.Uid, "router StatefulSet made again");
        Assert.Equal("2Gi", second!.Spec.VolumeClaimTemplates.Single().Spec.Resources.Requests["storage"].ToString());
        Assert.Contains(h.Server.Requests, r => r.Verb == "delete" && r.Resource == "statefulsets");
    }

    // Back to one replica on SQLite (the PostgreSQL Secret setting removed): the Deployment on the ledger claim is made,
    // and the StatefulSet is deleted once the Deployment is Ready; its outbox claims stay (Retain).
    [Fact]
    public async Task Reconcile_PostgresSettingRemoved_StatefulSetDeletedOnceTheDeploymentIsReady()
    {
        await using var h = await StartAsync(SharedStores);
        await RouterStatefulSetAsync(h);

        h.Routing.Replicas = 1;
        h.Routing.PostgresSecretName = null;
        await h.Client.CoreV1.DeleteNamespacedServiceAsync(h.Routing.RouterName, RoutingHarness.Ns); // queues the reconcile
        var deployment = await OperatorHarness.EventuallyAsync(
            () => ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedDeploymentAsync(h.Routing.RouterName, RoutingHarness.Ns)), _ => true, "router Deployment");
        Assert.Equal(h.Routing.LedgerClaimName, deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == RouterObjectsBuilder.LedgerVolume).PersistentVolumeClaim.ClaimName);
        Assert.NotNull(await ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedStatefulSetAsync(h.Routing.RouterName, RoutingHarness.Ns)));

        await h.MarkDeploymentReadyAsync(h.Routing.RouterName);

        await OperatorHarness.EventuallyAsync(
            async () => await ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedStatefulSetAsync(h.Routing.RouterName, RoutingHarness.Ns)) is null, gone => gone, "router StatefulSet deleted");
    }
}

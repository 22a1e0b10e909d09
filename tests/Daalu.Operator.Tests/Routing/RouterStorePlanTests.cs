using Daalu.Operator.Routing;

namespace Daalu.Operator.Tests.Routing;

/// <summary>Where the router keeps its books in the cluster (issue 16, deliverable 5).</summary>
public sealed class RouterStorePlanTests
{
    [Theory]
    [InlineData(3, false, false, "Redis for the quota counters (DAALU_ROUTER_REDIS_URL or DAALU_ROUTER_REDIS_SECRET) and PostgreSQL for the ledger (DAALU_ROUTER_POSTGRES_SECRET)")]
    [InlineData(3, true, false, "PostgreSQL for the ledger (DAALU_ROUTER_POSTGRES_SECRET)")]
    [InlineData(2, false, true, "Redis for the quota counters (DAALU_ROUTER_REDIS_URL or DAALU_ROUTER_REDIS_SECRET)")]
    public void Decide_SeveralReplicasWithoutSharedStores_OneReplicaAndTheMissingStoreNamed(int replicas, bool redis, bool postgres, string missing)
    {
        var settings = RoutingFixtures.Settings();
        settings.Replicas = replicas;
        settings.RedisSecretName = redis ? "quota-redis" : null;
        settings.PostgresSecretName = postgres ? "ledger-db" : null;
        var plan = RouterStorePlan.Decide(settings);
        Assert.Equal(1, plan.Replicas);
        Assert.Equal($"{replicas} router replicas were asked for, but {missing} is not configured: each replica would keep its own books. Running 1 replica until it is.", plan.Refused);
        Assert.Equal(!postgres, plan.LedgerOnClaim);
    }

    [Fact]
    public void BuildDeployment_OneReplicaWithoutPostgres_LedgerOnTheClaimAndRecreate()
    {
        var settings = RoutingFixtures.Settings();
        var d = RouterObjectsBuilder.BuildDeployment(settings, []);
        var ledger = d.Spec.Template.Spec.Volumes.Single(v => v.Name == "ledger");
        Assert.Null(ledger.EmptyDir);
        Assert.Equal("daalu-router-ledger", ledger.PersistentVolumeClaim.ClaimName);
        Assert.Equal("Recreate", d.Spec.Strategy.Type);
        Assert.Null(d.Spec.Strategy.RollingUpdate);
        var claim = RouterObjectsBuilder.BuildLedgerClaim(settings)!;
        Assert.Equal(("daalu-router-ledger", "daalu-system"), (claim.Metadata.Name, claim.Metadata.NamespaceProperty));
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        Assert.Equal("1Gi", claim.Spec.Resources.Requests["storage"].ToString());
    }

    [Fact]
    public void BuildStatefulSet_ThreeReplicasWithSharedStores_StoresFromSecretsAndAnOutboxClaimPerReplica()
    {
        var settings = RoutingFixtures.Settings();
        settings.Replicas = 3;
        settings.RedisSecretName = "quota-redis";
        settings.PostgresSecretName = "ledger-db";
        settings.PostgresSecretKey = "uri";
        settings.LedgerStorageClass = "fast";
        var set = RouterObjectsBuilder.BuildStatefulSet(settings, []);
        var pod = set.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var env = container.Env;
        Assert.Equal(3, set.Spec.Replicas);
        Assert.Equal(("ledger-db", "uri"), (env.Single(e => e.Name == RouterObjectsBuilder.PostgresEnv).ValueFrom.SecretKeyRef.Name, env.Single(e => e.Name == RouterObjectsBuilder.PostgresEnv).ValueFrom.SecretKeyRef.Key));
        Assert.Equal(("quota-redis", "url"), (env.Single(e => e.Name == RouterObjectsBuilder.RedisUrlEnv).ValueFrom.SecretKeyRef.Name, env.Single(e => e.Name == RouterObjectsBuilder.RedisUrlEnv).ValueFrom.SecretKeyRef.Key));

        // The outbox directory is each replica's own claim (outbox-daalu-router-<ordinal>), never an emptyDir: a pod
        // deleted while PostgreSQL is down comes back under its ordinal on the records it had not flushed.
        Assert.DoesNotContain(pod.Volumes, v => v.Name is "ledger" or "outbox");
        Assert.All(pod.Volumes.Where(v => v.EmptyDir is not null), v => Assert.Equal("tmp", v.Name));
        Assert.Equal("/var/lib/daalu", container.VolumeMounts.Single(m => m.Name == RouterObjectsBuilder.OutboxClaimTemplate).MountPath);
        var claim = Assert.Single(set.Spec.VolumeClaimTemplates);
        Assert.Equal(RouterObjectsBuilder.OutboxClaimTemplate, claim.Metadata.Name);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        Assert.Equal(("1Gi", "fast"), (claim.Spec.Resources.Requests["storage"].ToString(), claim.Spec.StorageClassName));

        // StatefulSet semantics (Kubernetes docs): claims kept on scale-down and deletion, parallel scaling, rolling updates.
        Assert.Equal(("Retain", "Retain"), (set.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted, set.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled));
        Assert.Equal("Parallel", set.Spec.PodManagementPolicy);
        Assert.Equal("RollingUpdate", set.Spec.UpdateStrategy.Type);
        Assert.Equal(settings.RouterName, set.Spec.ServiceName);
        Assert.Equal(RouterObjectsBuilder.StatefulSetTerminationGracePeriodSeconds, pod.TerminationGracePeriodSeconds);

        // The Service selects the StatefulSet's pods, as it selected the Deployment's: a migration keeps serving.
        var service = RouterObjectsBuilder.BuildService(settings);
        Assert.Equal(service.Spec.Selector, set.Spec.Selector.MatchLabels);
        Assert.All(service.Spec.Selector, kv => Assert.Equal(kv.Value, set.Spec.Template.Metadata.Labels[kv.Key]));
        Assert.Null(RouterObjectsBuilder.BuildLedgerClaim(settings));
        Assert.Null(RouterStorePlan.Decide(settings).Refused);
        Assert.True(RouterStorePlan.Decide(settings).ReplicaClaims);
    }

    [Fact]
    public void BuildWorkload_WrongKindForTheStorePlan_Throws()
    {
        var sqlite = RoutingFixtures.Settings();
        var postgres = RoutingFixtures.Settings();
        postgres.PostgresSecretName = "ledger-db";

        Assert.Throws<InvalidOperationException>(() => RouterObjectsBuilder.BuildStatefulSet(sqlite, []));
        Assert.Throws<InvalidOperationException>(() => RouterObjectsBuilder.BuildDeployment(postgres, []));
    }
}

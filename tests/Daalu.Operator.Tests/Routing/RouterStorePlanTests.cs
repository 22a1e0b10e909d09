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
    public void BuildDeployment_ThreeReplicasWithSharedStores_StoresFromSecretsAndRollingUpdate()
    {
        var settings = RoutingFixtures.Settings();
        settings.Replicas = 3;
        settings.RedisSecretName = "quota-redis";
        settings.PostgresSecretName = "ledger-db";
        settings.PostgresSecretKey = "uri";
        var d = RouterObjectsBuilder.BuildDeployment(settings, []);
        var env = Assert.Single(d.Spec.Template.Spec.Containers).Env;
        Assert.Equal(3, d.Spec.Replicas);
        Assert.Equal(("ledger-db", "uri"), (env.Single(e => e.Name == RouterObjectsBuilder.PostgresEnv).ValueFrom.SecretKeyRef.Name, env.Single(e => e.Name == RouterObjectsBuilder.PostgresEnv).ValueFrom.SecretKeyRef.Key));
        Assert.Equal(("quota-redis", "url"), (env.Single(e => e.Name == RouterObjectsBuilder.RedisUrlEnv).ValueFrom.SecretKeyRef.Name, env.Single(e => e.Name == RouterObjectsBuilder.RedisUrlEnv).ValueFrom.SecretKeyRef.Key));
        Assert.NotNull(d.Spec.Template.Spec.Volumes.Single(v => v.Name == "ledger").EmptyDir); // only this pod's outbox
        Assert.Equal("RollingUpdate", d.Spec.Strategy.Type);
        Assert.Null(RouterObjectsBuilder.BuildLedgerClaim(settings));
        Assert.Null(RouterStorePlan.Decide(settings).Refused);
    }
}

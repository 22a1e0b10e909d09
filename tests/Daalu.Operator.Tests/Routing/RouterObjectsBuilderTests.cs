using Daalu.Operator.Children;
using Daalu.Operator.Routing;
using Daalu.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Routing;

// The router's child objects, pure.
public sealed class RouterObjectsBuilderTests
{
    private static readonly MountedSecret[] Secrets = [new("external-provider-keys", ["openai"]), new("team-a-api-keys", ["key-1", "key-2"])];

    [Fact]
    public void BuildDeployment_ConfigChanges_TemplateAndHashUnchanged()
    {
        var settings = RoutingFixtures.Settings();
        var a = RouterConfigCompiler.Compile(RoutingFixtures.Input(quotas: [RoutingFixtures.Quota("team-a")], secrets: RoutingFixtures.Secrets("team-a")));
        var b = RouterConfigCompiler.Compile(RoutingFixtures.Input(quotas: [RoutingFixtures.Quota("team-a")], secrets: RoutingFixtures.Secrets("team-a"),
            servings: [RoutingFixtures.Endpoint("pool", "http://10.0.0.9:8000", models: "m")]));
        Assert.NotEqual(a.Hash, b.Hash);

        var da = RouterObjectsBuilder.BuildDeployment(settings, a.MountedSecrets);
        var db = RouterObjectsBuilder.BuildDeployment(settings, b.MountedSecrets);

        Assert.Equal(SpecHash.Stamp(da), SpecHash.Stamp(db));
        Assert.Equal(a.Hash, RouterObjectsBuilder.BuildConfigMap(settings, a).Metadata.Annotations[RouterObjectsBuilder.ConfigHashAnnotation]);
    }

    [Fact]
    public void BuildStatefulSet_SecretsReplicasRedis_InTheTemplate()
    {
        var settings = RoutingFixtures.Settings();
        settings.Replicas = 3;
        settings.RedisUrl = "redis.daalu-system.svc:6379";
        settings.PostgresSecretName = "daalu-ledger-db";

        var d = RouterObjectsBuilder.BuildStatefulSet(settings, Secrets);
        var pod = d.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal(3, d.Spec.Replicas);
        Assert.Equal("redis.daalu-system.svc:6379", container.Env.Single(e => e.Name == RouterObjectsBuilder.RedisUrlEnv).Value);
        Assert.Equal("0", container.Env.Single(e => e.Name == "DOTNET_TC_CallCountingDelayMs").Value);
        Assert.Equal("0", container.Env.Single(e => e.Name == "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit").Value);
        Assert.Equal("1", container.Env.Single(e => e.Name == "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS").Value);
        Assert.Equal(["--config", "/etc/daalu/router/config.yaml", "--urls", "http://0.0.0.0:8080", "--ledger", "/var/lib/daalu/ledger.db"], container.Args);
        var projected = pod.Volumes.Single(v => v.Name == "keys").Projected.Sources;
        Assert.Equal(["external-provider-keys/openai", "team-a-api-keys/key-1", "team-a-api-keys/key-2"], projected.SelectMany(s => s.Secret.Items.Select(i => i.Path)));
        Assert.All(projected, s => Assert.True(s.Secret.Optional));
        Assert.Equal("/etc/daalu/keys", container.VolumeMounts.Single(m => m.Name == "keys").MountPath);
        Assert.Equal("RollingUpdate", d.Spec.UpdateStrategy.Type);
        Assert.False(pod.AutomountServiceAccountToken);
    }

    [Fact]
    public void BuildDeployment_DifferentSecrets_DifferentSpecHash()
    {
        var settings = RoutingFixtures.Settings();
        var one = RouterObjectsBuilder.BuildDeployment(settings, Secrets[..1]);
        var two = RouterObjectsBuilder.BuildDeployment(settings, Secrets);

        Assert.NotEqual(SpecHash.Stamp(one), SpecHash.Stamp(two));
        Assert.Null(RouterObjectsBuilder.BuildDeployment(settings, []).Spec.Template.Spec.Volumes.SingleOrDefault(v => v.Name == "keys"));
    }

    // The image, the plain config/router base and the operator's Deployment run the router with the same runtime
    // settings; a benchmark of one is a benchmark of all three.
    [Fact]
    public void RuntimeEnv_DockerfileAndConfigRouter_SetTheSameValues()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Paths.RepoRoot, "Dockerfile"));
        var routerStage = dockerfile[dockerfile.IndexOf("AS router", StringComparison.Ordinal)..];
        var deployment = File.ReadAllText(Path.Combine(Paths.RepoRoot, "config", "router", "deployment.yaml"));

        Assert.Equal(3, RouterObjectsBuilder.RuntimeEnv.Count);
        foreach (var e in RouterObjectsBuilder.RuntimeEnv)
        {
            Assert.Matches($@"\b{e.Name}={e.Value}\b", routerStage);
            Assert.Matches($@"- name: {e.Name}\r?\n\s+value: ""{e.Value}""", deployment);
        }
    }

    // Issue 16: a rollout must not start the books from zero. The plain config/router base keeps the SQLite ledger on
    // the same claim the operator creates (so moving to the operator keeps the books), Recreate so the old pod lets go
    // of the ReadWriteOnce volume first.
    [Fact]
    public void ConfigRouter_Ledger_OnTheOperatorsClaimNotAnEmptyDir()
    {
        var dir = Path.Combine(Paths.RepoRoot, "config", "router");
        var deployment = KubernetesYaml.Deserialize<V1Deployment>(File.ReadAllText(Path.Combine(dir, "deployment.yaml")));
        var claim = KubernetesYaml.Deserialize<V1PersistentVolumeClaim>(File.ReadAllText(Path.Combine(dir, "ledger-pvc.yaml")));
        var expected = RouterObjectsBuilder.BuildLedgerClaim(new RoutingSettings())!;

        var mount = deployment.Spec.Template.Spec.Containers.Single(c => c.Name == "router").VolumeMounts.Single(m => m.MountPath == "/var/lib/daalu");
        var volume = deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name);
        Assert.Null(volume.EmptyDir);
        Assert.Equal(expected.Metadata.Name, volume.PersistentVolumeClaim?.ClaimName);
        Assert.Equal("Recreate", deployment.Spec.Strategy?.Type);
        Assert.Equal(expected.Metadata.Name, claim.Metadata.Name);
        Assert.Equal(expected.Spec.AccessModes, claim.Spec.AccessModes);
        Assert.Equal(expected.Spec.Resources.Requests["storage"], claim.Spec.Resources.Requests["storage"]);
        Assert.Contains("- ledger-pvc.yaml", File.ReadAllText(Path.Combine(dir, "kustomization.yaml")), StringComparison.Ordinal);
    }
}

using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Operator.Routing;
using Daalu.Operator.Tests.Support;
using Daalu.TestDoubles.OpenAICompatible;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Routing;

// The RoutingPolicy controller with the real runtime (and the GpuNode and ModelServing controllers beside it) against
// the Kubernetes API test server over real HTTP. No router runs here, so the loaded hash is reported as unknown.
public sealed class RoutingPolicyControllerTests
{
    private const string General = "Qwen/Qwen2.5-7B-Instruct";
    private const string Coder14B = "Qwen/Qwen2.5-Coder-14B-Instruct-AWQ";

    private static RoutingPolicy Policy(string name = "default", Action<RoutingPolicySpec>? configure = null)
    {
        var p = RoutingFixtures.Policy(name, configure: configure);
        p.Metadata.CreationTimestamp = null;
        p.Metadata.Generation = null;
        return p;
    }

    private static TenantQuota Quota(string tenant)
    {
        var q = RoutingFixtures.Quota(tenant);
        q.Metadata.CreationTimestamp = null;
        q.Metadata.Generation = null;
        return q;
    }

    private static async Task<RoutingHarness> WithBasicsAsync()
    {
        var h = await RoutingHarness.StartAsync();
        await h.CreateSecretAsync("external-provider-keys", ("openai", "sk-test-openai-key"));
        await h.CreateSecretAsync("team-c-api-keys", ("key-1", "team-c-secret-key-0001"));
        await h.CreateAsync(Quota("team-c"), "tenantquotas");
        return h;
    }

    private static bool IsAccepted(RoutingPolicy p) => p.Status?.Phase == RoutingReasons.PhaseAccepted;

    [Fact]
    public async Task Create_Policy_ConfigMapDeploymentServiceAndAcceptedStatus()
    {
        await using var h = await WithBasicsAsync();
        await h.CreateAsync(Policy(), "routingpolicies");

        var policy = await h.WaitPolicyAsync("default", IsAccepted, "policy Accepted");
        Assert.Equal("OwnGpu,Hosted,External", policy.Status!.Tiers);
        var accepted = policy.Status.Conditions.Single(c => c.Type == RoutingReasons.AcceptedCondition);
        Assert.Equal((ConditionStatus.True, RoutingReasons.Valid), (accepted.Status, accepted.Reason));
        Assert.Equal(policy.Metadata.Generation, policy.Status.ObservedGeneration);
        Assert.Equal([TierNames.OwnGpu, TierNames.Hosted], policy.Status.EffectiveCascade.Single(e => e.Tenant == "team-c" && e.RequestClass == RequestClasses.Coding).Tiers);
        Assert.Equal([TierNames.OwnGpu, TierNames.Hosted, TierNames.External], policy.Status.EffectiveCascade.Single(e => e.Tenant == "team-c" && e.RequestClass == RequestClasses.Chat).Tiers);
        Assert.Equal(ConditionStatus.False, policy.Status.Conditions.Single(c => c.Type == RoutingReasons.DegradedCondition).Status);
        var replicas = policy.Status.Conditions.Single(c => c.Type == RoutingReasons.RouterReplicasCondition);
        Assert.Equal((ConditionStatus.True, RoutingReasons.ReplicasAsRequested), (replicas.Status, replicas.Reason));
        Assert.Contains("SQLite on PersistentVolumeClaim daalu-router-ledger", replicas.Message, StringComparison.Ordinal);
        Assert.NotNull(await h.Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("daalu-router-ledger", RoutingFixtures.Ns));
        var loaded = policy.Status.Conditions.Single(c => c.Type == RoutingReasons.ConfigLoadedCondition);
        Assert.Equal((ConditionStatus.Unknown, RoutingReasons.RouterUnreachable), (loaded.Status, loaded.Reason));

        var cm = await h.TryGetConfigMapAsync();
        Assert.NotNull(cm);
        var text = cm.Data["config.yaml"];
        Assert.Equal(RouterConfigCompiler.HashOf(text), cm.Metadata.Annotations[RouterObjectsBuilder.ConfigHashAnnotation]);
        Assert.DoesNotContain("sk-test-openai-key", text, StringComparison.Ordinal);
        Assert.DoesNotContain("team-c-secret-key-0001", text, StringComparison.Ordinal);
        var config = (await h.RouterConfigAsync())!;
        Assert.Empty(RouterConfigValidator.Validate(config));
        Assert.Equal("/etc/daalu/keys/team-c-api-keys/key-1", config.Tenants.Single(t => t.Name == "team-c").Keys.Single().File);
        Assert.True(config.Tenants.Single(t => t.Name == RoutingSettings.OperatorTenant).Admin);

        // The operator made its own admin key.
        var admin = await h.Client.CoreV1.ReadNamespacedSecretAsync("daalu-router-admin-key", RoutingHarness.Ns);
        Assert.True(admin.Data["key"].Length >= 32);

        var deployment = await h.Client.AppsV1.ReadNamespacedDeploymentAsync("daalu-router", RoutingHarness.Ns);
        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers.Single();
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("256Mi", container.Resources.Requests["memory"].ToString());
        Assert.DoesNotContain(container.Env, e => e.Name == RouterObjectsBuilder.RedisUrlEnv);
        Assert.Equal(["daalu-router-admin-key", "external-provider-keys", "team-c-api-keys"],
            pod.Volumes.Single(v => v.Name == "keys").Projected.Sources.Select(s => s.Secret.Name));
        Assert.Equal("daalu-router-config", pod.Volumes.Single(v => v.Name == "config").ConfigMap.Name);
        Assert.DoesNotContain(deployment.Spec.Template.Metadata.Annotations ?? new Dictionary<string, string>(), a => a.Value == cm.Metadata.Annotations[RouterObjectsBuilder.ConfigHashAnnotation]);

        var service = await h.Client.CoreV1.ReadNamespacedServiceAsync("daalu-router", RoutingHarness.Ns);
        Assert.Equal(80, service.Spec.Ports.Single().Port);
        Assert.Equal("daalu-router", service.Spec.Selector["app.kubernetes.io/name"]);
    }

    [Fact]
    public async Task ModelServing_BecomesReadyThenServesANewModel_ConfigMapUpdatedWithoutTouchingTheDeployment()
    {
        await using var h = await WithBasicsAsync();
        await using var pool = await VllmDouble.StartNewAsync("pool", General);
        await h.CreateAsync(Policy(), "routingpolicies");
        await h.WaitPolicyAsync("default", IsAccepted, "policy Accepted");
        var deploymentBefore = await h.Client.AppsV1.ReadNamespacedDeploymentAsync("daalu-router", RoutingHarness.Ns);

        var ms = RoutingFixtures.Endpoint("pool", pool.BaseUrl, models: General);
        ms.Status = null;
        ms.Metadata.Generation = null;
        await h.CreateAsync(ms, "modelservings");

        var config = await h.WaitConfigAsync(c => c.Backends.Any(b => b.Name == "daalu-system/pool"), "pool backend in the ConfigMap");
        var backend = config.Backends.Single(b => b.Name == "daalu-system/pool");
        Assert.Equal((TierNames.Hosted, pool.BaseUrl, (string?)null), (backend.Tier, backend.Url, backend.Tenant));
        Assert.Equal([General], backend.Models);

        pool.Models = [General, "Qwen/Qwen2.5-7B-Instruct-lora-support"];
        await h.WaitConfigAsync(c => c.Backends.Single(b => b.Name == "daalu-system/pool").Models.Count == 2, "newly detected model in the ConfigMap");

        // A configuration change never restarts the router: the Deployment is as it was.
        var deploymentAfter = await h.Client.AppsV1.ReadNamespacedDeploymentAsync("daalu-router", RoutingHarness.Ns);
        Assert.Equal(deploymentBefore.Metadata.ResourceVersion, deploymentAfter.Metadata.ResourceVersion);
        Assert.Equal(deploymentBefore.Metadata.Generation, deploymentAfter.Metadata.Generation);
    }

    [Fact]
    public async Task ModelServing_OfATenantWithoutTenantQuota_LeftOutAndSaidSoInStatus()
    {
        await using var h = await WithBasicsAsync();
        await using var gpu = await VllmDouble.StartNewAsync("team-z-gpu", General);
        await h.CreateAsync(Policy(), "routingpolicies");
        await h.WaitPolicyAsync("default", IsAccepted, "policy Accepted");

        var ms = RoutingFixtures.Endpoint("team-z-gpu", gpu.BaseUrl, tenant: "team-z", models: General);
        ms.Status = null;
        ms.Metadata.Generation = null;
        await h.CreateAsync(ms, "modelservings");

        var policy = await h.WaitPolicyAsync("default", p => p.Status?.Conditions.Any(c => c.Type == RoutingReasons.DegradedCondition && c.Status == ConditionStatus.True) == true,
            "Degraded with the left-out backend");
        var degraded = policy.Status!.Conditions.Single(c => c.Type == RoutingReasons.DegradedCondition);
        Assert.Equal(RoutingReasons.InputsLeftOut, degraded.Reason);
        Assert.Contains("ModelServing daalu-system/team-z-gpu left out: tenant team-z has no configured TenantQuota", degraded.Message, StringComparison.Ordinal);
        Assert.DoesNotContain((await h.RouterConfigAsync())!.Backends, b => b.Name == "daalu-system/team-z-gpu");
    }

    [Fact]
    public async Task Reconcile_Twice_WritesNothing()
    {
        await using var h = await WithBasicsAsync();
        await h.CreateAsync(Policy(), "routingpolicies");
        await h.WaitPolicyAsync("default", IsAccepted, "policy Accepted");
        await Task.Delay(1000);

        h.Server.ClearRequests();
        var before = h.Reconciles("RoutingPolicy");
        await Task.Delay(2000);

        Assert.True(h.Reconciles("RoutingPolicy") >= before + 2, "the policy should have been reconciled again (requeue and resync)");
        Assert.Equal(0, h.Server.CountWriteRequests("configmaps", RoutingHarness.Ns));
        Assert.Equal(0, h.Server.CountWriteRequests("deployments", RoutingHarness.Ns));
        Assert.Equal(0, h.Server.CountWriteRequests("services", RoutingHarness.Ns));
        Assert.Equal(0, h.Server.CountWriteRequests("secrets", RoutingHarness.Ns));
        Assert.Equal(0, h.Server.CountWriteRequests("routingpolicies", RoutingHarness.Ns));
    }

    [Fact]
    public async Task Invalid_ProviderSecretMissing_InvalidWithReasonThenAcceptedOnceTheSecretExists()
    {
        await using var h = await RoutingHarness.StartAsync();
        await h.CreateSecretAsync("team-c-api-keys", ("key-1", "team-c-secret-key-0001"));
        await h.CreateAsync(Quota("team-c"), "tenantquotas");
        await h.CreateAsync(Policy(), "routingpolicies");

        var invalid = await h.WaitPolicyAsync("default", p => p.Status?.Phase == RoutingReasons.PhaseInvalid, "policy Invalid");
        var accepted = invalid.Status!.Conditions.Single(c => c.Type == RoutingReasons.AcceptedCondition);
        Assert.Equal((ConditionStatus.False, RoutingReasons.ProviderKeySecretMissing), (accepted.Status, accepted.Reason));
        Assert.Contains("Secret external-provider-keys not found in namespace daalu-system", accepted.Message, StringComparison.Ordinal);
        Assert.Empty(invalid.Status.EffectiveCascade);
        var config = await h.WaitConfigAsync(_ => true, "ConfigMap");
        Assert.DoesNotContain(config.Policies, p => p.Name == "daalu-system/default");

        // Secrets are not watched: the controller looks again while one is missing.
        await h.CreateSecretAsync("external-provider-keys", ("openai", "sk-test-openai-key"));
        var fixedPolicy = await h.WaitPolicyAsync("default", IsAccepted, "policy Accepted once the Secret exists");
        var flipped = fixedPolicy.Status!.Conditions.Single(c => c.Type == RoutingReasons.AcceptedCondition);
        Assert.Equal((ConditionStatus.True, RoutingReasons.Valid), (flipped.Status, flipped.Reason));
        Assert.True(flipped.LastTransitionTime >= accepted.LastTransitionTime);
        await h.WaitConfigAsync(c => c.Policies.Any(p => p.Name == "daalu-system/default"), "policy in the ConfigMap");
    }

    [Fact]
    public async Task Invalid_TenantNamedByTwoPolicies_NewerInvalidOlderKeepsIt()
    {
        await using var h = await WithBasicsAsync();
        await h.CreateAsync(Policy("team-c-first", s => s.Tenants = ["team-c"]), "routingpolicies");
        await h.WaitPolicyAsync("team-c-first", IsAccepted, "first Accepted");
        await h.CreateAsync(Policy("team-c-second", s => s.Tenants = ["team-c"]), "routingpolicies");

        var second = await h.WaitPolicyAsync("team-c-second", p => p.Status?.Phase == RoutingReasons.PhaseInvalid, "second Invalid");
        var condition = second.Status!.Conditions.Single(c => c.Type == RoutingReasons.AcceptedCondition);
        Assert.Equal(RoutingReasons.TenantConflict, condition.Reason);
        Assert.Contains("already named by RoutingPolicy daalu-system/team-c-first", condition.Message, StringComparison.Ordinal);
        Assert.True(IsAccepted((await h.GetPolicyAsync("team-c-first"))!));
        var events = await h.Client.CoreV1.ListNamespacedEventAsync(RoutingHarness.Ns);
        Assert.Contains(events.Items, e => e.InvolvedObject.Name == "team-c-second" && e.Reason == RoutingReasons.TenantConflict && e.Type == "Warning");
    }

    [Fact]
    public async Task Edit_Policy_RecompilesWithinSeconds()
    {
        await using var h = await WithBasicsAsync();
        await h.CreateAsync(Policy(), "routingpolicies");
        await h.WaitPolicyAsync("default", IsAccepted, "policy Accepted");

        await h.PatchAsync("routingpolicies", "default", """{"spec":{"tiers":[{"name":"OwnGpu"},{"name":"Hosted"}]}}""");

        var policy = await h.WaitPolicyAsync("default", p => p.Status?.Tiers == "OwnGpu,Hosted" && p.Status.ObservedGeneration == p.Metadata.Generation, "new tiers in status", 5000);
        Assert.All(policy.Status!.EffectiveCascade, e => Assert.DoesNotContain(TierNames.External, e.Tiers));
        await h.WaitConfigAsync(c => c.Policies.Single(p => p.Name == "daalu-system/default").Tiers.SequenceEqual([TierNames.OwnGpu, TierNames.Hosted]), "new tiers in the ConfigMap", 5000);
    }

    [Fact]
    public async Task GpuNode_GoesAway_ItsBackendLeavesTheConfiguration()
    {
        await using var h = await WithBasicsAsync();
        await using var vllm = await VllmDouble.StartNewAsync("own", Coder14B);
        await h.CreateSecretAsync("team-a-api-keys", ("key-1", "team-a-secret-key-0001"));
        await h.CreateAsync(Quota("team-a"), "tenantquotas");
        await h.CreateAsync(Policy(), "routingpolicies");

        // A ready GpuNode of team-a with a deployed model, as the GpuNode and ModelServing controllers bring it up.
        await h.CreateReadyGpuNodeAsync("gpu-1", "node-a", "team-a");

        h.Routes.Route($"ms-own.{RoutingHarness.Ns}.svc:8000", vllm.BaseUrl);
        var ms = Fixtures.ModelServing("own", RoutingHarness.Ns, s => { s.GpuNode = "gpu-1"; s.Purpose = ModelPurposes.Coding; });
        ms.Metadata.Uid = null;
        ms.Metadata.Generation = null;
        await h.CreateAsync(ms, "modelservings");
        await OperatorHarness.EventuallyAsync(async () => await ClusterStandIns.TryReadAsync(() => h.Client.AppsV1.ReadNamespacedDeploymentAsync("ms-own", RoutingHarness.Ns)), _ => true, "vLLM Deployment");
        await h.MarkDeploymentReadyAsync("ms-own");

        var config = await h.WaitConfigAsync(c => c.Backends.Any(b => b.Name == "daalu-system/own"), "own backend in the ConfigMap");
        Assert.Equal((TierNames.OwnGpu, "team-a"), (config.Backends.Single(b => b.Name == "daalu-system/own").Tier, config.Backends.Single(b => b.Name == "daalu-system/own").Tenant));

        await h.DeleteAsync("gpunodes", "gpu-1", null);

        await h.WaitConfigAsync(c => c.Backends.All(b => b.Name != "daalu-system/own"), "own backend gone from the ConfigMap", 10000);
    }
}

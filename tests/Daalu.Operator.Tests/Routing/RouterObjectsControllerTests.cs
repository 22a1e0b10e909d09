using Daalu.Api.V1Alpha1;
using Daalu.Operator.Children;
using Daalu.Operator.Controllers;
using Daalu.Operator.Routing;
using Daalu.Operator.Tests.Support;
using Daalu.Runtime;
using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Routing;

// RouterObjectsReconciler with the real runtime against the Kubernetes API test server: the router objects are
// written by one controller on one fixed key, whatever changes.
public sealed class RouterObjectsControllerTests
{
    private static RoutingPolicy Policy(string name = "default")
    {
        var p = RoutingFixtures.Policy(name);
        p.Metadata.CreationTimestamp = null;
        p.Metadata.Generation = null;
        return p;
    }

    private static async Task<RoutingHarness> AcceptedAsync()
    {
        var h = await RoutingHarness.StartAsync();
        await h.CreateSecretAsync("external-provider-keys", ("openai", "sk-test-openai-key"));
        await h.CreateSecretAsync("team-c-api-keys", ("key-1", "team-c-secret-key-0001"));
        var q = RoutingFixtures.Quota("team-c");
        q.Metadata.CreationTimestamp = null;
        q.Metadata.Generation = null;
        await h.CreateAsync(q, "tenantquotas");
        await h.CreateAsync(Policy(), "routingpolicies");
        await h.WaitPolicyAsync("default", p => p.Status?.Phase == RoutingReasons.PhaseAccepted, "policy Accepted");
        return h;
    }

    private static async Task<bool> ExistsAsync(Func<Task> read)
    {
        try
        {
            await read();
            return true;
        }
        catch (Exception ex) when (ApiErrors.IsNotFound(ex))
        {
            return false;
        }
    }

    [Fact]
    public void Key_IsTheConfigMapInTheRouterNamespace()
    {
        var settings = new RoutingSettings { RouterNamespace = "router-ns" };

        Assert.Equal(new ObjectKey("router-ns", settings.ConfigMapName), RouterObjectsReconciler.Key(settings));
    }

    [Fact]
    public async Task RouterDeploymentAndService_DeletedByHand_WrittenAgainWithTheSameHash()
    {
        await using var h = await AcceptedAsync();
        var deployment = await h.Client.AppsV1.ReadNamespacedDeploymentAsync(h.Routing.RouterName, RoutingHarness.Ns);
        var hash = SpecHash.Of(deployment);
        Assert.NotNull(hash);

        await h.Client.AppsV1.DeleteNamespacedDeploymentAsync(h.Routing.RouterName, RoutingHarness.Ns);
        await h.Client.CoreV1.DeleteNamespacedServiceAsync(h.Routing.RouterName, RoutingHarness.Ns);

        await OperatorHarness.EventuallyAsync(
            async () => await ExistsAsync(() => h.Client.AppsV1.ReadNamespacedDeploymentAsync(h.Routing.RouterName, RoutingHarness.Ns))
                && await ExistsAsync(() => h.Client.CoreV1.ReadNamespacedServiceAsync(h.Routing.RouterName, RoutingHarness.Ns)),
            "the router Deployment and Service written again");
        Assert.Equal(hash, SpecHash.Of(await h.Client.AppsV1.ReadNamespacedDeploymentAsync(h.Routing.RouterName, RoutingHarness.Ns)));
    }

    [Fact]
    public async Task NewTenantQuota_ConfigMapRewrittenWithTheNewTenant()
    {
        await using var h = await AcceptedAsync();
        var before = (await h.TryGetConfigMapAsync())!.Metadata.Annotations[RouterObjectsBuilder.ConfigHashAnnotation];

        await h.CreateSecretAsync("team-d-api-keys", ("key-1", "team-d-secret-key-0001"));
        var q = RoutingFixtures.Quota("team-d", secret: "team-d-api-keys");
        q.Metadata.CreationTimestamp = null;
        q.Metadata.Generation = null;
        await h.CreateAsync(q, "tenantquotas");

        var config = await h.WaitConfigAsync(c => c.Tenants.Any(t => t.Name == "team-d"), "team-d in the router configuration");
        var after = (await h.TryGetConfigMapAsync())!.Metadata.Annotations[RouterObjectsBuilder.ConfigHashAnnotation];
        Assert.NotEqual(before, after);
        Assert.Contains(config.Tenants, t => t.Name == "team-c");
    }
}

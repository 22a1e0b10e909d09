using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

public sealed class StatusAndGenerationTests : TestCluster
{
    [Fact]
    public async Task Create_WithStatus_DropsStatusForKindWithSubresource()
    {
        var w = Widget("w", 2);
        w["status"] = new JsonObject { ["phase"] = "Ready" };

        var created = await CreateWidget(w);

        Assert.Null(created["status"]);
        Assert.Equal(1, Generation(created));
    }

    [Fact]
    public async Task ReplaceStatus_ChangesOnlyStatus_AndKeepsGeneration()
    {
        var created = await CreateWidget(Widget("w", 2));
        created["status"] = new JsonObject { ["phase"] = "Ready", ["observedGeneration"] = 1 };
        created["spec"]!["size"] = 9;
        created["metadata"]!["labels"] = new JsonObject { ["x"] = "y" };

        var updated = AsNode(await Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(created, Group, Version, "default", "widgets", "w"));

        Assert.Equal("Ready", updated["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(2, updated["spec"]!["size"]!.GetValue<int>());
        Assert.Null(updated["metadata"]!["labels"]);
        Assert.Equal(1, Generation(updated));
        Assert.NotEqual(Rv(created), Rv(updated));
    }

    [Fact]
    public async Task ReplaceMain_IgnoresStatus_AndBumpsGenerationOnSpecChangeOnly()
    {
        var created = await CreateWidget(Widget("w", 2));
        var withStatus = AsNode(await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"phase":"Ready"}}""", V1Patch.PatchType.MergePatch), Group, Version, "default", "widgets", "w"));

        withStatus["status"] = new JsonObject { ["phase"] = "Hacked" };
        withStatus["metadata"]!["labels"] = new JsonObject { ["team"] = "a" };
        var labelsOnly = AsNode(await Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(withStatus, Group, Version, "default", "widgets", "w"));
        Assert.Equal("Ready", labelsOnly["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(1, Generation(labelsOnly));

        labelsOnly["spec"]!["size"] = 3;
        var specChanged = AsNode(await Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(labelsOnly, Group, Version, "default", "widgets", "w"));
        Assert.Equal(2, Generation(specChanged));
        Assert.Equal(1, Generation(created));
    }

    [Fact]
    public async Task KindWithoutStatusSubresource_StatusIsPartOfTheObjectAndBumpsGeneration()
    {
        var gadget = new JsonObject { ["apiVersion"] = "test.daalu.io/v1", ["kind"] = "Gadget", ["metadata"] = new JsonObject { ["name"] = "g" }, ["spec"] = new JsonObject(), ["status"] = new JsonObject { ["a"] = 1 } };
        var created = AsNode(await Client.CustomObjects.CreateClusterCustomObjectAsync(gadget, Group, Version, "gadgets"));
        Assert.Equal(1, created["status"]!["a"]!.GetValue<int>());

        created["status"]!["a"] = 2;
        var updated = AsNode(await Client.CustomObjects.ReplaceClusterCustomObjectAsync(created, Group, Version, "gadgets", "g"));

        Assert.Equal(2, updated["status"]!["a"]!.GetValue<int>());
        Assert.Equal(2, Generation(updated));
        var http = await ExpectStatus(404, () => Client.CustomObjects.ReplaceClusterCustomObjectStatusAsync(updated, Group, Version, "gadgets", "g"));
        Assert.Equal("NotFound", http["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deployment_StatusSubresource_AndGeneration()
    {
        var d = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("vllm", "vllm/vllm-openai:v0.10.1"), "default");
        Assert.Equal(1, d.Metadata.Generation);
        Assert.Equal(1, d.Spec.Replicas);

        d.Status = new V1DeploymentStatus { ReadyReplicas = 1, Replicas = 1, ObservedGeneration = 1 };
        var s = await Client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(d, "vllm", "default");
        Assert.Equal(1, s.Status.ReadyReplicas);
        Assert.Equal(1, s.Metadata.Generation);

        s.Spec.Template.Spec.Containers[0].Image = "vllm/vllm-openai:v0.11.0";
        s.Status.ReadyReplicas = 0;
        var u = await Client.AppsV1.ReplaceNamespacedDeploymentAsync(s, "vllm", "default");
        Assert.Equal(2, u.Metadata.Generation);
        Assert.Equal(1, u.Status.ReadyReplicas);
    }

    [Fact]
    public async Task Deployment_ServerDefaultsAreFilledLikeTheRealServer()
    {
        var d = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("vllm", "vllm/vllm-openai:v0.10.1"), "default");

        Assert.Equal("RollingUpdate", d.Spec.Strategy.Type);
        Assert.Equal(10, d.Spec.RevisionHistoryLimit);
        Assert.Equal(600, d.Spec.ProgressDeadlineSeconds);
        var pod = d.Spec.Template.Spec;
        Assert.Equal("Always", pod.RestartPolicy);
        Assert.Equal("ClusterFirst", pod.DnsPolicy);
        Assert.Equal("default-scheduler", pod.SchedulerName);
        Assert.Equal(30, pod.TerminationGracePeriodSeconds);
        Assert.Equal("IfNotPresent", pod.Containers[0].ImagePullPolicy);
        Assert.Equal("/dev/termination-log", pod.Containers[0].TerminationMessagePath);
        Assert.Equal("TCP", pod.Containers[0].Ports[0].Protocol);

        var again = await Client.AppsV1.ReplaceNamespacedDeploymentAsync(d, "vllm", "default");
        Assert.Equal(d.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Service_ClusterIpIsAllocatedAndKeptWhenAnUpdateOmitsIt()
    {
        var svc = await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "vllm" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "vllm" }, Ports = [new V1ServicePort { Name = "http", Port = 8000 }] },
        }, "default");
        Assert.StartsWith("10.96.", svc.Spec.ClusterIP, StringComparison.Ordinal);
        Assert.Equal("TCP", svc.Spec.Ports[0].Protocol);

        var desired = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "vllm", ResourceVersion = svc.Metadata.ResourceVersion },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "vllm" }, Ports = [new V1ServicePort { Name = "http", Port = 8000 }] },
        };
        var updated = await Client.CoreV1.ReplaceNamespacedServiceAsync(desired, "vllm", "default");

        Assert.Equal(svc.Spec.ClusterIP, updated.Spec.ClusterIP);
    }

    internal static V1Deployment Deployment(string name, string image) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1DeploymentSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "vllm", Image = image, Ports = [new V1ContainerPort { ContainerPort = 8000 }] }] },
            },
        },
    };
}

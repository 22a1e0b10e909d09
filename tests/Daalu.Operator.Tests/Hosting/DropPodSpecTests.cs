using Daalu.Operator.Hosting;
using k8s.Models;

namespace Daalu.Operator.Tests.Hosting;

public sealed class DropPodSpecTests
{
    [Fact]
    public void DropPodSpec_VllmDeployment_PodSpecGoneMetadataReplicasSelectorStatusKept()
    {
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta
            {
                Name = "ms-coder",
                NamespaceProperty = "team-a",
                Annotations = new Dictionary<string, string> { ["ai.daalu.io/spec-hash"] = "abc" },
                OwnerReferences = [new V1OwnerReference { Uid = "u1", Controller = true, Kind = "ModelServing", Name = "coder", ApiVersion = "ai.daalu.io/v1alpha1" }],
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "x" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "x" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "vllm", Args = ["--model", "m"] }] },
                },
            },
            Status = new V1DeploymentStatus { ReadyReplicas = 1, ObservedGeneration = 2 },
        };

        OperatorWiring.DropPodSpec(deployment);

        Assert.Null(deployment.Spec.Template.Spec);
        Assert.Equal("x", deployment.Spec.Template.Metadata.Labels["app"]);
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal("x", deployment.Spec.Selector.MatchLabels["app"]);
        Assert.Equal("abc", deployment.Metadata.Annotations["ai.daalu.io/spec-hash"]);
        Assert.Equal("u1", deployment.Metadata.OwnerReferences.Single().Uid);
        Assert.Equal(1, deployment.Status.ReadyReplicas);
    }

    [Fact]
    public void DropPodSpec_NoSpec_LeftAlone()
    {
        var deployment = new V1Deployment { Metadata = new V1ObjectMeta { Name = "d" } };

        OperatorWiring.DropPodSpec(deployment);

        Assert.Null(deployment.Spec);
    }
}

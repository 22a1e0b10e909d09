using Daalu.Api.V1Alpha1;
using Daalu.Runtime.Resources;
using k8s.Models;

namespace Daalu.Runtime.Tests.Resources;

public class OwnerReferencesTests
{
    private static GpuNode Owner() => new() { Metadata = new V1ObjectMeta { Name = "gpu-1", Uid = "uid-1" } };

    [Fact]
    public void SetControllerReference_ClusterScopedOwner_ControllerAndBlockOwnerDeletion()
    {
        var child = new V1DaemonSet { Metadata = new V1ObjectMeta { Name = "plugin", NamespaceProperty = "daalu-system" } };

        OwnerReferences.SetControllerReference(child, Owner());

        var reference = Assert.Single(child.Metadata.OwnerReferences);
        Assert.True(reference.Controller);
        Assert.True(reference.BlockOwnerDeletion);
        Assert.Equal(("ai.daalu.io/v1alpha1", "GpuNode", "gpu-1", "uid-1"), (reference.ApiVersion, reference.Kind, reference.Name, reference.Uid));
    }

    [Fact]
    public void SetControllerReference_OwnerInOtherNamespace_Refused()
    {
        var owner = new ModelServing { Metadata = new V1ObjectMeta { Name = "m", NamespaceProperty = "a", Uid = "u" } };
        var child = new V1Deployment { Metadata = new V1ObjectMeta { Name = "d", NamespaceProperty = "b" } };

        Assert.Throws<InvalidOperationException>(() => OwnerReferences.SetControllerReference(child, owner));
    }

    [Fact]
    public void SetControllerReference_AlreadyControlledBySomeoneElse_Refused()
    {
        var child = new V1DaemonSet { Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "x" } };
        OwnerReferences.SetControllerReference(child, Owner());
        var other = new GpuNode { Metadata = new V1ObjectMeta { Name = "gpu-2", Uid = "uid-2" } };

        Assert.Throws<InvalidOperationException>(() => OwnerReferences.SetControllerReference(child, other));
    }

    [Fact]
    public void ControllerKey_ChildOfClusterScopedOwner_KeyWithoutNamespace()
    {
        var child = new V1DaemonSet { Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "daalu-system" } };
        OwnerReferences.SetControllerReference(child, Owner());

        Assert.Equal(new ObjectKey(null, "gpu-1"), OwnerReferences.ControllerKey(child, ResourceInfo.Of<GpuNode>()));
        Assert.Null(OwnerReferences.ControllerKey(child, ResourceInfo.Of<ModelServing>()));
    }

    [Fact]
    public void ControllerKey_ChildOfNamespacedOwner_KeyInChildNamespace()
    {
        var owner = new ModelServing { Metadata = new V1ObjectMeta { Name = "m", NamespaceProperty = "team", Uid = "u" } };
        var child = new V1Deployment { Metadata = new V1ObjectMeta { Name = "d", NamespaceProperty = "team" } };
        OwnerReferences.SetControllerReference(child, owner);

        Assert.Equal(new ObjectKey("team", "m"), OwnerReferences.ControllerKey(child, ResourceInfo.Of<ModelServing>()));
    }
}

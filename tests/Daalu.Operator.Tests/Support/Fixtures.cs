using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using k8s.Models;

namespace Daalu.Operator.Tests.Support;

/// <summary>Small factories for the objects the tests need.</summary>
internal static class Fixtures
{
    public static ModelServing ModelServing(string name = "coder", string ns = "team-a", Action<ModelServingSpec>? configure = null)
    {
        var ms = new ModelServing
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = "0b7c5f5e-1111-4c4c-9d9d-000000000001", Generation = 1 },
            Spec = new ModelServingSpec { GpuNode = "gpu-1", Purpose = ModelPurposes.Coding },
        };
        configure?.Invoke(ms.Spec);
        return ms;
    }

    public static GpuNode GpuNode(string name = "gpu-1", string nodeName = "node-a", string tenant = "team-a", Action<GpuNodeSpec>? configure = null)
    {
        var gn = new GpuNode
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new GpuNodeSpec { NodeName = nodeName, Tenant = tenant },
        };
        configure?.Invoke(gn.Spec);
        return gn;
    }

    public static V1Node Node(string name = "node-a", string? product = "NVIDIA-RTX-2000-Ada-Generation", string memory = "16380", int? allocatable = 1) => new()
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = product is null
                ? new Dictionary<string, string> { ["kubernetes.io/hostname"] = name }
                : new Dictionary<string, string>
                {
                    ["kubernetes.io/hostname"] = name,
                    ["nvidia.com/gpu.product"] = product,
                    ["nvidia.com/gpu.memory"] = memory,
                    ["nvidia.com/gpu.count"] = "1",
                },
        },
        Status = new V1NodeStatus
        {
            Allocatable = allocatable is { } n
                ? new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new(n.ToString(System.Globalization.CultureInfo.InvariantCulture)) }
                : null,
        },
    };
}

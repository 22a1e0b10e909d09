using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.Bench.Operator;

/// <summary>
/// The cluster the operator finds at start: GPU Nodes as GPU Feature Discovery labels them (RTX 6000 Ada, 48 GB,
/// one card, nvidia.com/gpu allocatable), one GpuNode per Node with the device plugin left to someone else (so a
/// GpuNode is ready when its Node advertises the GPU, with no kubelet needed), and ModelServings spread round-robin.
/// </summary>
internal static class Fixture
{
    public const string Group = "ai.daalu.io";
    public const string Version = "v1alpha1";
    public const string Namespace = "bench";
    public const string Model = "Qwen/Qwen2.5-7B-Instruct-AWQ";

    public static string NodeName(int i) => $"gpu-node-{i:D4}";

    public static string GpuNodeName(int i) => $"gpu-{i:D4}";

    public static string ServingName(int i) => $"serving-{i:D5}";

    public static async Task CreateAsync(Kubernetes client, int nodes, int servings)
    {
        foreach (var ns in new[] { Namespace, "daalu-system", "daalu-device-plugin" })
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8 };
        await Parallel.ForAsync(0, nodes, parallel, async (i, ct) =>
        {
            var node = new V1Node
            {
                Metadata = new V1ObjectMeta
                {
                    Name = NodeName(i),
                    Labels = new Dictionary<string, string>
                    {
                        ["kubernetes.io/hostname"] = NodeName(i),
                        ["nvidia.com/gpu.product"] = "NVIDIA-RTX-6000-Ada-Generation",
                        ["nvidia.com/gpu.memory"] = "49140",
                        ["nvidia.com/gpu.count"] = "1",
                        ["nvidia.com/gpu.family"] = "ada-lovelace",
                    },
                },
            };
            var created = await client.CoreV1.CreateNodeAsync(node, cancellationToken: ct);
            var gpu = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new("1"), ["cpu"] = new("16"), ["memory"] = new("64Gi") };
            created.Status = new V1NodeStatus
            {
                Capacity = gpu,
                Allocatable = gpu,
                Conditions = [new V1NodeCondition { Type = "Ready", Status = "True" }],
            };
            await client.CoreV1.ReplaceNodeStatusAsync(created, created.Metadata.Name, cancellationToken: ct);
            var gpuNode = new JsonObject
            {
                ["apiVersion"] = $"{Group}/{Version}",
                ["kind"] = "GpuNode",
                ["metadata"] = new JsonObject { ["name"] = GpuNodeName(i) },
                ["spec"] = new JsonObject
                {
                    ["nodeName"] = NodeName(i),
                    ["devicePlugin"] = new JsonObject { ["enabled"] = false },
                },
            };
            await client.CustomObjects.CreateClusterCustomObjectAsync(gpuNode, Group, Version, "gpunodes", cancellationToken: ct);
        });

        await Parallel.ForAsync(0, servings, parallel, async (i, ct) =>
        {
            var serving = new JsonObject
            {
                ["apiVersion"] = $"{Group}/{Version}",
                ["kind"] = "ModelServing",
                ["metadata"] = new JsonObject { ["name"] = ServingName(i), ["namespace"] = Namespace },
                ["spec"] = new JsonObject
                {
                    ["gpuNode"] = GpuNodeName(i % nodes),
                    ["model"] = Model,
                    ["purpose"] = "general",
                },
            };
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(serving, Group, Version, Namespace, "modelservings", cancellationToken: ct);
        });
    }

    public static string Kubeconfig(string server, string token) => string.Create(CultureInfo.InvariantCulture, $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: bench
          cluster:
            server: {server}
        users:
        - name: operator
          user:
            token: {token}
        contexts:
        - name: bench
          context:
            cluster: bench
            user: operator
        current-context: bench

        """);
}

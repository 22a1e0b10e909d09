using Daalu.Operator.Gpu;
using k8s.Models;

namespace Daalu.Operator.Children;

/// <summary>
/// The DaemonSet shape both per-GPU-node agents share (the NVIDIA device plugin and dcgm-exporter): node-critical
/// priority, the GPU taint tolerated, no service-account token, and pods only on supported Ada nodes that carry the
/// agent's opt-in label. Each builder supplies its one container and its one host-path volume.
/// </summary>
internal static class GpuNodeDaemonSet
{
    public static V1DaemonSet Build(
        string name,
        string namespaceName,
        IReadOnlyDictionary<string, string> selectorLabels,
        string nodeLabel,
        string nodeLabelValue,
        string? runtimeClassName,
        V1Container container,
        V1Volume volume) => new()
        {
            ApiVersion = "apps/v1",
            Kind = "DaemonSet",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = namespaceName,
                Labels = new Dictionary<string, string>(selectorLabels),
            },
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string>(selectorLabels) },
                UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "RollingUpdate" },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(selectorLabels) },
                    Spec = new V1PodSpec
                    {
                        PriorityClassName = "system-node-critical",
                        RuntimeClassName = runtimeClassName,
                        AutomountServiceAccountToken = false,
                        EnableServiceLinks = false,
                        Tolerations = [new V1Toleration { Key = WellKnown.GpuResource, OperatorProperty = "Exists", Effect = "NoSchedule" }],
                        Affinity = new V1Affinity
                        {
                            NodeAffinity = new V1NodeAffinity
                            {
                                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                                {
                                    NodeSelectorTerms =
                                    [
                                        new V1NodeSelectorTerm
                                        {
                                            MatchExpressions =
                                            [
                                                new V1NodeSelectorRequirement
                                                {
                                                    Key = WellKnown.GpuClassLabel,
                                                    OperatorProperty = "In",
                                                    Values = GpuCard.Supported.Select(c => c.GpuClass).ToList(),
                                                },
                                                new V1NodeSelectorRequirement { Key = nodeLabel, OperatorProperty = "In", Values = [nodeLabelValue] },
                                            ],
                                        },
                                    ],
                                },
                            },
                        },
                        Containers = [container],
                        Volumes = [volume],
                    },
                },
            },
        };
}

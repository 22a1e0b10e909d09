namespace Daalu.KubeApiServer;

/// <summary>The built-in kinds the server serves, with the real server's scope and subresources.</summary>
internal static class BuiltinResources
{
    public static IReadOnlyList<ResourceType> All { get; } =
    [
        new("", "v1", "namespaces", "Namespace", Namespaced: false, HasStatusSubresource: true, HasGeneration: false) { ShortNames = ["ns"] },
        new("", "v1", "nodes", "Node", Namespaced: false, HasStatusSubresource: true, HasGeneration: false) { ShortNames = ["no"] },
        new("", "v1", "pods", "Pod", Namespaced: true, HasStatusSubresource: true, HasGeneration: false) { ShortNames = ["po"], Categories = ["all"] },
        new("", "v1", "services", "Service", Namespaced: true, HasStatusSubresource: true, HasGeneration: false) { ShortNames = ["svc"], Categories = ["all"] },
        new("", "v1", "configmaps", "ConfigMap", Namespaced: true, HasStatusSubresource: false, HasGeneration: false) { ShortNames = ["cm"] },
        new("", "v1", "secrets", "Secret", Namespaced: true, HasStatusSubresource: false, HasGeneration: false),
        new("", "v1", "serviceaccounts", "ServiceAccount", Namespaced: true, HasStatusSubresource: false, HasGeneration: false) { ShortNames = ["sa"] },
        new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", Namespaced: true, HasStatusSubresource: true, HasGeneration: false) { ShortNames = ["pvc"] },
        new("", "v1", "events", "Event", Namespaced: true, HasStatusSubresource: false, HasGeneration: false) { ShortNames = ["ev"] },
        new("apps", "v1", "deployments", "Deployment", Namespaced: true, HasStatusSubresource: true, HasGeneration: true) { ShortNames = ["deploy"], Categories = ["all"] },
        new("apps", "v1", "daemonsets", "DaemonSet", Namespaced: true, HasStatusSubresource: true, HasGeneration: true) { ShortNames = ["ds"], Categories = ["all"] },
        new("apps", "v1", "statefulsets", "StatefulSet", Namespaced: true, HasStatusSubresource: true, HasGeneration: true) { ShortNames = ["sts"], Categories = ["all"] },
        new("coordination.k8s.io", "v1", "leases", "Lease", Namespaced: true, HasStatusSubresource: false, HasGeneration: false),
        new("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", Namespaced: false, HasStatusSubresource: false, HasGeneration: false),
        new("events.k8s.io", "v1", "events", "Event", Namespaced: true, HasStatusSubresource: false, HasGeneration: false) { ShortNames = ["ev"] },
    ];
}

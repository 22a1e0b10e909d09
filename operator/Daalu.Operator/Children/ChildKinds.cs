using k8s;
using k8s.Models;

namespace Daalu.Operator.Children;

/// <summary>The kinds of child the operator applies.</summary>
public static class ChildKinds
{
    /// <summary>apps/v1 Deployment.</summary>
    public static ChildKind<V1Deployment> Deployment { get; } = new()
    {
        Kind = "Deployment",
        Read = (c, ns, name, ct) => c.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct),
        Create = (c, o, ct) => c.AppsV1.CreateNamespacedDeploymentAsync(o, o.Metadata.NamespaceProperty, cancellationToken: ct),
        Replace = (c, o, ct) => c.AppsV1.ReplaceNamespacedDeploymentAsync(o, o.Metadata.Name, o.Metadata.NamespaceProperty, cancellationToken: ct),
    };

    /// <summary>
    /// apps/v1 StatefulSet. Only replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and
    /// minReadySeconds may change (pkg/apis/apps/validation ValidateStatefulSetUpdate); a replace that changes any other
    /// spec field answers 422.
    /// </summary>
    public static ChildKind<V1StatefulSet> StatefulSet { get; } = new()
    {
        Kind = "StatefulSet",
        Read = (c, ns, name, ct) => c.AppsV1.ReadNamespacedStatefulSetAsync(name, ns, cancellationToken: ct),
        Create = (c, o, ct) => c.AppsV1.CreateNamespacedStatefulSetAsync(o, o.Metadata.NamespaceProperty, cancellationToken: ct),
        Replace = (c, o, ct) => c.AppsV1.ReplaceNamespacedStatefulSetAsync(o, o.Metadata.Name, o.Metadata.NamespaceProperty, cancellationToken: ct),
    };

    /// <summary>apps/v1 DaemonSet.</summary>
    public static ChildKind<V1DaemonSet> DaemonSet { get; } = new()
    {
        Kind = "DaemonSet",
        Read = (c, ns, name, ct) => c.AppsV1.ReadNamespacedDaemonSetAsync(name, ns, cancellationToken: ct),
        Create = (c, o, ct) => c.AppsV1.CreateNamespacedDaemonSetAsync(o, o.Metadata.NamespaceProperty, cancellationToken: ct),
        Replace = (c, o, ct) => c.AppsV1.ReplaceNamespacedDaemonSetAsync(o, o.Metadata.Name, o.Metadata.NamespaceProperty, cancellationToken: ct),
    };

    /// <summary>v1 Service; spec.clusterIP(s) are assigned by the server and immutable, so a replace carries them over.</summary>
    public static ChildKind<V1Service> Service { get; } = new()
    {
        Kind = "Service",
        Read = (c, ns, name, ct) => c.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: ct),
        Create = (c, o, ct) => c.CoreV1.CreateNamespacedServiceAsync(o, o.Metadata.NamespaceProperty, cancellationToken: ct),
        Replace = (c, o, ct) => c.CoreV1.ReplaceNamespacedServiceAsync(o, o.Metadata.Name, o.Metadata.NamespaceProperty, cancellationToken: ct),
        CarryOver = (live, desired) =>
        {
            desired.Spec ??= new V1ServiceSpec();
            desired.Spec.ClusterIP = live.Spec?.ClusterIP;
            desired.Spec.ClusterIPs = live.Spec?.ClusterIPs is { } ips ? [.. ips] : null;
        },
    };

    /// <summary>v1 ConfigMap.</summary>
    public static ChildKind<V1ConfigMap> ConfigMap { get; } = new()
    {
        Kind = "ConfigMap",
        Read = (c, ns, name, ct) => c.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct),
        Create = (c, o, ct) => c.CoreV1.CreateNamespacedConfigMapAsync(o, o.Metadata.NamespaceProperty, cancellationToken: ct),
        Replace = (c, o, ct) => c.CoreV1.ReplaceNamespacedConfigMapAsync(o, o.Metadata.Name, o.Metadata.NamespaceProperty, cancellationToken: ct),
    };

    /// <summary>v1 PersistentVolumeClaim (apply it with <see cref="ChildApplyMode.CreateOnly"/>: its spec is immutable).</summary>
    public static ChildKind<V1PersistentVolumeClaim> PersistentVolumeClaim { get; } = new()
    {
        Kind = "PersistentVolumeClaim",
        Read = (c, ns, name, ct) => c.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(name, ns, cancellationToken: ct),
        Create = (c, o, ct) => c.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(o, o.Metadata.NamespaceProperty, cancellationToken: ct),
        Replace = (c, o, ct) => c.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(o, o.Metadata.Name, o.Metadata.NamespaceProperty, cancellationToken: ct),
    };
}

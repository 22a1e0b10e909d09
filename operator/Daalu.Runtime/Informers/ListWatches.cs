using Daalu.Api.V1Alpha1;
using k8s;
using k8s.Models;

namespace Daalu.Runtime.Informers;

/// <summary>Ready-made <see cref="IListWatch{T}"/>s for the kinds the operator watches.</summary>
public static class ListWatches
{
    /// <summary>A custom resource kind, described by its <see cref="KubernetesEntityAttribute"/>; all namespaces when <paramref name="namespace"/> is null.</summary>
    public static IListWatch<T> CustomResource<T>(IKubernetes client, string? @namespace = null, string? labelSelector = null)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        var entity = ResourceInfo.Of<T>();
        return new ListWatch<T, CustomResourceList<T>>(
            entity.Kind,
            (r, ct) => @namespace is null
                ? client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<CustomResourceList<T>>(
                    entity.Group, entity.Version, entity.Plural, allowWatchBookmarks: r.AllowWatchBookmarks ? true : null,
                    continueParameter: r.Continue, labelSelector: r.LabelSelector, limit: r.Limit,
                    resourceVersion: r.ResourceVersion, timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null,
                    cancellationToken: ct)
                : client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<CustomResourceList<T>>(
                    entity.Group, entity.Version, @namespace, entity.Plural, allowWatchBookmarks: r.AllowWatchBookmarks ? true : null,
                    continueParameter: r.Continue, labelSelector: r.LabelSelector, limit: r.Limit,
                    resourceVersion: r.ResourceVersion, timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null,
                    cancellationToken: ct),
            labelSelector,
            @namespace);
    }

    /// <summary>Nodes.</summary>
    public static IListWatch<V1Node> Nodes(IKubernetes client, string? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ListWatch<V1Node, V1NodeList>(
            "Node",
            (r, ct) => client.CoreV1.ListNodeWithHttpMessagesAsync(
                allowWatchBookmarks: r.AllowWatchBookmarks ? true : null, continueParameter: r.Continue,
                labelSelector: r.LabelSelector, limit: r.Limit, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null, cancellationToken: ct),
            labelSelector);
    }

    /// <summary>DaemonSets in <paramref name="namespace"/>, or in all namespaces when null.</summary>
    public static IListWatch<V1DaemonSet> DaemonSets(IKubernetes client, string? @namespace = null, string? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ListWatch<V1DaemonSet, V1DaemonSetList>(
            "DaemonSet",
            (r, ct) => @namespace is null
                ? client.AppsV1.ListDaemonSetForAllNamespacesWithHttpMessagesAsync(
                    allowWatchBookmarks: r.AllowWatchBookmarks ? true : null, continueParameter: r.Continue,
                    labelSelector: r.LabelSelector, limit: r.Limit, resourceVersion: r.ResourceVersion,
                    timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null, cancellationToken: ct)
                : client.AppsV1.ListNamespacedDaemonSetWithHttpMessagesAsync(
                    @namespace, allowWatchBookmarks: r.AllowWatchBookmarks ? true : null, continueParameter: r.Continue,
                    labelSelector: r.LabelSelector, limit: r.Limit, resourceVersion: r.ResourceVersion,
                    timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null, cancellationToken: ct),
            labelSelector,
            @namespace);
    }

    /// <summary>Deployments in <paramref name="namespace"/>, or in all namespaces when null.</summary>
    public static IListWatch<V1Deployment> Deployments(IKubernetes client, string? @namespace = null, string? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ListWatch<V1Deployment, V1DeploymentList>(
            "Deployment",
            (r, ct) => @namespace is null
                ? client.AppsV1.ListDeploymentForAllNamespacesWithHttpMessagesAsync(
                    allowWatchBookmarks: r.AllowWatchBookmarks ? true : null, continueParameter: r.Continue,
                    labelSelector: r.LabelSelector, limit: r.Limit, resourceVersion: r.ResourceVersion,
                    timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null, cancellationToken: ct)
                : client.AppsV1.ListNamespacedDeploymentWithHttpMessagesAsync(
                    @namespace, allowWatchBookmarks: r.AllowWatchBookmarks ? true : null, continueParameter: r.Continue,
                    labelSelector: r.LabelSelector, limit: r.Limit, resourceVersion: r.ResourceVersion,
                    timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null, cancellationToken: ct),
            labelSelector,
            @namespace);
    }

    /// <summary>StatefulSets in <paramref name="namespace"/>, or in all namespaces when null.</summary>
    public static IListWatch<V1StatefulSet> StatefulSets(IKubernetes client, string? @namespace = null, string? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ListWatch<V1StatefulSet, V1StatefulSetList>(
            "StatefulSet",
            (r, ct) => @namespace is null
                ? client.AppsV1.ListStatefulSetForAllNamespacesWithHttpMessagesAsync(
                    allowWatchBookmarks: r.AllowWatchBookmarks ? true : null, continueParameter: r.Continue,
                    labelSelector: r.LabelSelector, limit: r.Limit, resourceVersion: r.ResourceVersion,
                    timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null, cancellationToken: ct)
                : client.AppsV1.ListNamespacedStatefulSetWithHttpMessagesAsync(
                    @namespace, allowWatchBookmarks: r.AllowWatchBookmarks ? true : null, continueParameter: r.Continue,
                    labelSelector: r.LabelSelector, limit: r.Limit, resourceVersion: r.ResourceVersion,
                    timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null, cancellationToken: ct),
            labelSelector,
            @namespace);
    }

    /// <summary>Services in <paramref name="namespace"/>, or in all namespaces when null.</summary>
    public static IListWatch<V1Service> Services(IKubernetes client, string? @namespace = null, string? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ListWatch<V1Service, V1ServiceList>(
            "Service",
            (r, ct) => @namespace is null
                ? client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(
                    allowWatchBookmarks: r.AllowWatchBookmarks ? true : null, continueParameter: r.Continue,
                    labelSelector: r.LabelSelector, limit: r.Limit, resourceVersion: r.ResourceVersion,
                    timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null, cancellationToken: ct)
                : client.CoreV1.ListNamespacedServiceWithHttpMessagesAsync(
                    @namespace, allowWatchBookmarks: r.AllowWatchBookmarks ? true : null, continueParameter: r.Continue,
                    labelSelector: r.LabelSelector, limit: r.Limit, resourceVersion: r.ResourceVersion,
                    timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null, cancellationToken: ct),
            labelSelector,
            @namespace);
    }

    /// <summary>ConfigMaps in <paramref name="namespace"/>, or in all namespaces when null.</summary>
    public static IListWatch<V1ConfigMap> ConfigMaps(IKubernetes client, string? @namespace = null, string? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new ListWatch<V1ConfigMap, V1ConfigMapList>(
            "ConfigMap",
            (r, ct) => @namespace is null
                ? client.CoreV1.ListConfigMapForAllNamespacesWithHttpMessagesAsync(
                    allowWatchBookmarks: r.AllowWatchBookmarks ? true : null, continueParameter: r.Continue,
                    labelSelector: r.LabelSelector, limit: r.Limit, resourceVersion: r.ResourceVersion,
                    timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null, cancellationToken: ct)
                : client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync(
                    @namespace, allowWatchBookmarks: r.AllowWatchBookmarks ? true : null, continueParameter: r.Continue,
                    labelSelector: r.LabelSelector, limit: r.Limit, resourceVersion: r.ResourceVersion,
                    timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null, cancellationToken: ct),
            labelSelector,
            @namespace);
    }

    /// <summary>Pods in <paramref name="namespace"/> (always namespaced: the operator never watches pods cluster-wide).</summary>
    public static IListWatch<V1Pod> Pods(IKubernetes client, string @namespace, string? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        return new ListWatch<V1Pod, V1PodList>(
            "Pod",
            (r, ct) => client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(
                @namespace, allowWatchBookmarks: r.AllowWatchBookmarks ? true : null, continueParameter: r.Continue,
                labelSelector: r.LabelSelector, limit: r.Limit, resourceVersion: r.ResourceVersion,
                timeoutSeconds: r.TimeoutSeconds, watch: r.Watch ? true : null, cancellationToken: ct),
            labelSelector,
            @namespace);
    }
}

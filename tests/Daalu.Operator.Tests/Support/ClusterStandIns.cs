using k8s;
using k8s.Models;

namespace Daalu.Operator.Tests.Support;

/// <summary>
/// What the parts of a cluster the API test server does not run would do (kubelet, GPU Feature Discovery, the
/// DaemonSet and Deployment controllers), and a read that turns 404 into null. Shared by both operator harnesses.
/// </summary>
internal static class ClusterStandIns
{
    /// <summary>The object <paramref name="read"/> returns, or null when the API answers 404.</summary>
    public static async Task<T?> TryReadAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>A Node as the kubelet and GPU Feature Discovery leave it: created, then its status written.</summary>
    public static async Task CreateNodeAsync(IKubernetes client, V1Node node)
    {
        var status = node.Status;
        node.Status = null;
        await client.CoreV1.CreateNodeAsync(node);
        if (status is not null)
        {
            await client.CoreV1.PatchNodeStatusAsync(new V1Patch(KubernetesJson.Serialize(new { status }), V1Patch.PatchType.MergePatch), node.Metadata.Name);
        }
    }

    /// <summary>What the DaemonSet controller and kubelet do for <paramref name="ds"/>: a Ready pod on the node.</summary>
    public static async Task StartDaemonPodAsync(IKubernetes client, V1DaemonSet ds, string nodeName)
    {
        var ns = ds.Metadata.NamespaceProperty;
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{ds.Metadata.Name}-{nodeName}",
                NamespaceProperty = ns,
                Labels = new Dictionary<string, string>(ds.Spec.Template.Metadata.Labels),
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "DaemonSet", Name = ds.Metadata.Name, Uid = ds.Metadata.Uid, Controller = true }],
            },
            // The DaemonSet controller copies the whole template spec (volumes too: the API server refuses a mount
            // without its volume) and pins the pod to the node.
            Spec = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(ds.Spec.Template.Spec)),
        };
        pod.Spec.NodeName = nodeName;
        await client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        var status = new { status = new { phase = "Running", conditions = new[] { new { type = "Ready", status = "True" } } } };
        await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(KubernetesJson.Serialize(status), V1Patch.PatchType.MergePatch), pod.Metadata.Name, ns);
    }

    /// <summary>
    /// What the kubelet writes when a Pod's only container ends: the container's terminated state with the termination
    /// message it read from terminationMessagePath, and the Pod phase that follows from the exit code (restartPolicy Never).
    /// </summary>
    public static async Task TerminatePodAsync(IKubernetes client, string ns, string name, int exitCode, string message, string? reason = null)
    {
        var pod = await client.CoreV1.ReadNamespacedPodAsync(name, ns);
        var container = pod.Spec.Containers[0];
        var status = new
        {
            status = new
            {
                phase = exitCode == 0 ? "Succeeded" : "Failed",
                containerStatuses = new[]
                {
                    new
                    {
                        name = container.Name,
                        image = container.Image,
                        imageID = string.Empty,
                        ready = false,
                        restartCount = 0,
                        state = new
                        {
                            terminated = new
                            {
                                exitCode,
                                reason = reason ?? (exitCode == 0 ? "Completed" : "Error"),
                                message,
                                startedAt = DateTime.UtcNow.AddSeconds(-2),
                                finishedAt = DateTime.UtcNow,
                            },
                        },
                    },
                },
            },
        };
        await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(KubernetesJson.Serialize(status), V1Patch.PatchType.MergePatch), name, ns);
    }

    /// <summary>What the Deployment controller reports once the pod passes (or fails) readiness.</summary>
    public static async Task MarkDeploymentReadyAsync(IKubernetes client, string ns, string name, bool ready = true)
    {
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns);
        var status = new { status = new { observedGeneration = deployment.Metadata.Generation, replicas = 1, readyReplicas = ready ? 1 : 0, availableReplicas = ready ? 1 : 0 } };
        await client.AppsV1.PatchNamespacedDeploymentStatusAsync(new V1Patch(KubernetesJson.Serialize(status), V1Patch.PatchType.MergePatch), name, ns);
    }

    /// <summary>What the StatefulSet controller reports once <paramref name="ready"/> pods pass readiness.</summary>
    public static async Task MarkStatefulSetReadyAsync(IKubernetes client, string ns, string name, int ready)
    {
        var set = await client.AppsV1.ReadNamespacedStatefulSetAsync(name, ns);
        var replicas = Math.Max(ready, set.Spec.Replicas ?? 1);
        var status = new { status = new { observedGeneration = set.Metadata.Generation, replicas, readyReplicas = ready, availableReplicas = ready, currentReplicas = replicas, updatedReplicas = replicas } };
        await client.AppsV1.PatchNamespacedStatefulSetStatusAsync(new V1Patch(KubernetesJson.Serialize(status), V1Patch.PatchType.MergePatch), name, ns);
    }
}

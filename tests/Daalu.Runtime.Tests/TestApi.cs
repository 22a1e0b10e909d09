using Daalu.Api.V1Alpha1;
using Daalu.KubeApiServer;
using k8s;
using k8s.Models;

namespace Daalu.Runtime.Tests;

/// <summary>Starts the in-process API server with the repository's CRDs, and small helpers for tests against it.</summary>
internal static class TestApi
{
    public static KubeApiServer.KubeApiServer Start(TimeSpan? bookmarkInterval = null) =>
        KubeApiServer.KubeApiServer.FromCrdDirectory(CrdDirectory(), new KubeApiServerOptions { BookmarkInterval = bookmarkInterval ?? TimeSpan.FromMilliseconds(300) });

    public static async Task<V1ConfigMap> CreateConfigMapAsync(IKubernetes client, string name, IDictionary<string, string>? labels = null) =>
        await client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = labels }, Data = new Dictionary<string, string> { ["k"] = "v" } },
            "default");

    public static async Task<GpuNode> CreateGpuNodeAsync(IKubernetes client, string name, string nodeName)
    {
        var gpuNode = new GpuNode { Metadata = new V1ObjectMeta { Name = name }, Spec = new GpuNodeSpec { NodeName = nodeName } };
        await client.CustomObjects.CreateClusterCustomObjectAsync(gpuNode, ApiGroup.Group, ApiGroup.Version, "gpunodes");
        return await GetGpuNodeAsync(client, name);
    }

    public static async Task<GpuNode> GetGpuNodeAsync(IKubernetes client, string name)
    {
        using var response = await client.CustomObjects.GetClusterCustomObjectWithHttpMessagesAsync<GpuNode>(ApiGroup.Group, ApiGroup.Version, "gpunodes", name);
        return response.Body;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(25);
        }

        return condition();
    }

    private static string CrdDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var crds = Path.Combine(dir.FullName, "crds");
            if (Directory.Exists(crds) && File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
            {
                return crds;
            }
        }

        throw new DirectoryNotFoundException("crds/ not found above the test binaries");
    }
}

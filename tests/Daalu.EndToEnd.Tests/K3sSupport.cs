using System.Net;
using k8s;
using k8s.Models;

namespace Daalu.EndToEnd.Tests;

/// <summary>What the k3s suites share: the repository root, the CRDs installed and Established, not-found as null, and polling.</summary>
internal static class K3sSupport
{
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    /// <summary>Creates every generated CRD in crds/ and waits until the API server reports each Established.</summary>
    public static async Task InstallCrdsAsync(Kubernetes client)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot(), "crds"), "ai.daalu.io_*.yaml"))
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(file));
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
            await EventuallyAsync(async () => await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name),
                c => c.Status?.Conditions?.Any(x => x.Type == "Established" && x.Status == "True") == true);
        }
    }

    public static async Task<T?> TryAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> until, int timeoutSeconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        var last = await probe();
        while (!until(last))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met; last: {KubernetesJson.Serialize(last)}");
            }

            await Task.Delay(500);
            last = await probe();
        }

        return last;
    }
}

using System.Text.Json.Nodes;
using k8s;

namespace Daalu.KubeApiServer.Tests;

/// <summary>The server with the product's CRDs from crds/ (generated from operator/Daalu.Api).</summary>
public sealed class RealCrdTests
{
    private static string? CrdDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "crds");
            if (File.Exists(Path.Combine(candidate, "ai.daalu.io_gpunodes.yaml")))
            {
                return candidate;
            }
        }

        return null;
    }

    [SkippableFact]
    public async Task FromCrdDirectory_ServesTheFourKindsWithTheirScopeAndValidation()
    {
        var dir = CrdDirectory();
        Skip.If(dir is null, "crds/ not found above the test binaries");
        await using var server = KubeApiServer.FromCrdDirectory(dir!);
        using var client = server.CreateClient();

        var kinds = server.Resources.Where(r => r.Group == "ai.daalu.io").ToDictionary(r => r.Kind, r => r.Namespaced);
        Assert.Equal(new Dictionary<string, bool> { ["GpuNode"] = false, ["ModelServing"] = true, ["RoutingPolicy"] = true, ["TenantQuota"] = true }, kinds);

        var bad = new JsonObject { ["apiVersion"] = "ai.daalu.io/v1alpha1", ["kind"] = "GpuNode", ["metadata"] = new JsonObject { ["name"] = "gpu-1" }, ["spec"] = new JsonObject() };
        var e = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.CustomObjects.CreateClusterCustomObjectAsync(bad, "ai.daalu.io", "v1alpha1", "gpunodes"));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.Contains("spec.nodeName: Required value", e.Response.Content, StringComparison.Ordinal);

        bad["spec"] = new JsonObject { ["nodeName"] = "node-1" };
        var created = JsonNode.Parse(((System.Text.Json.JsonElement)await client.CustomObjects.CreateClusterCustomObjectAsync(bad, "ai.daalu.io", "v1alpha1", "gpunodes")).GetRawText())!;
        Assert.Equal("auto", created["spec"]!["gpuClass"]!.GetValue<string>());
        Assert.Equal(1, created["metadata"]!["generation"]!.GetValue<int>());
    }
}

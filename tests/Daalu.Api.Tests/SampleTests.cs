using System.Text.Json.Nodes;
using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.CrdValidation;
using Xunit;
using k8s;

namespace Daalu.Api.Tests;

/// <summary>Every sample under config/samples is accepted by its CRD (schema and CEL) and reads into the C# types.</summary>
[Collection("crds")]
public sealed class SampleTests(CrdFixture crds)
{
    public static TheoryData<string> SampleFiles() => new(SampleFileNames());

    // router-local.yaml is a router config file, not a Kubernetes resource; kustomization.yaml is kustomize's.
    private static List<string> SampleFileNames() =>
        Directory.GetFiles(RepoPaths.Of("config", "samples"), "*.yaml").Select(f => Path.GetFileName(f))
            .Where(f => f is not ("router-local.yaml" or "kustomization.yaml"))
            .Order(StringComparer.Ordinal).ToList();

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Validate_Sample_HasNoErrors(string file)
    {
        var docs = YamlJson.ParseAll(File.ReadAllText(RepoPaths.Of("config", "samples", file)));
        Assert.Single(docs);
        var obj = docs[0]!;
        if (obj["apiVersion"]?.GetValue<string>() == "v1")
        {
            Assert.Equal("Secret", obj["kind"]?.GetValue<string>());
            Assert.StartsWith("v1_secret_", file, StringComparison.Ordinal);
            Assert.NotNull(obj["stringData"]);
            return;
        }

        var kind = obj["kind"]!.GetValue<string>();
        Assert.StartsWith($"ai.daalu.io_v1alpha1_{kind.ToLowerInvariant()}_", file, StringComparison.Ordinal);
        var errors = crds.For(obj).Validate(obj);
        Assert.True(errors.Count == 0, $"{file}:\n{string.Join("\n", errors)}");
    }

    [Fact]
    public void Samples_CoverEveryKindAndTheBriefedScenarios()
    {
        var objects = LoadAll();
        Assert.Equal(crds.Kinds.Order(StringComparer.Ordinal), objects.Select(o => o["kind"]!.GetValue<string>()).Where(k => k != "Secret").Distinct().Order(StringComparer.Ordinal));

        var nodes = objects.Where(o => o["kind"]!.GetValue<string>() == "GpuNode").ToList();
        Assert.Contains(nodes, n => n["spec"]!["gpuClass"]!.GetValue<string>() == GpuClasses.Rtx2000Ada && n["spec"]!["tenant"]!.GetValue<string>() == "team-a");
        Assert.Contains(nodes, n => n["spec"]!["tenant"]!.GetValue<string>() == "lab-b" && n["spec"]!["sharing"]!["enabled"]!.GetValue<bool>());

        var servings = objects.Where(o => o["kind"]!.GetValue<string>() == "ModelServing").ToList();
        Assert.Contains(servings, s => s["spec"]!["purpose"]!.GetValue<string>() == ModelPurposes.Coding);
        Assert.Contains(servings, s => s["spec"]!["purpose"]!.GetValue<string>() == ModelPurposes.General && s["spec"]!["model"] is null);

        var policy = Assert.Single(objects, o => o["kind"]!.GetValue<string>() == "RoutingPolicy");
        Assert.Equal(["anthropic", "openai"], policy["spec"]!["providers"]!.AsArray().Select(p => p!["apiStyle"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    // Issue 17: the samples work as shipped for the GPU owners, not only for the consumer.
    [Fact]
    public void Samples_EveryGpuNodeOwner_HasATenantQuotaAndAGeneralModelOnItsCard()
    {
        var objects = LoadAll();
        string Kind(JsonNode o) => o["kind"]!.GetValue<string>();
        var quotas = objects.Where(o => Kind(o) == "TenantQuota").Select(o => o["spec"]!["tenant"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var servings = objects.Where(o => Kind(o) == "ModelServing").ToList();
        var owned = objects.Where(o => Kind(o) == "GpuNode" && o["spec"]!["tenant"] is not null).ToList();
        Assert.NotEmpty(owned);
        foreach (var node in owned)
        {
            var tenant = node["spec"]!["tenant"]!.GetValue<string>();
            var name = node["metadata"]!["name"]!.GetValue<string>();
            Assert.Contains(tenant, quotas);
            Assert.Contains(servings, s => s["spec"]!["gpuNode"]?.GetValue<string>() == name && s["spec"]!["purpose"]!.GetValue<string>() == ModelPurposes.General);
        }

        // One vLLM per card: no two ModelServings pinned to the same GpuNode (each takes nvidia.com/gpu: 1).
        var pinned = servings.Select(s => s["spec"]!["gpuNode"]?.GetValue<string>()).Where(n => n is not null).ToList();
        Assert.Equal(pinned.Count, pinned.Distinct().Count());
        // The coding example (README, explain with coding) has a coding model that is not External.
        Assert.Contains(servings, s => s["spec"]!["purpose"]!.GetValue<string>() == ModelPurposes.Coding);
    }

    // Issue 17: every placeholder is listed where the samples are applied from (the kustomization's header), in full.
    [Fact]
    public void Samples_EveryPlaceholder_ListedInTheKustomizationHeader()
    {
        var header = string.Join('\n', File.ReadAllLines(RepoPaths.Of("config", "samples", "kustomization.yaml")).Where(l => l.StartsWith('#')));
        var placeholders = SampleFileNames().SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(RepoPaths.Of("config", "samples", f)), "REPLACE-[A-Z0-9-]+"))
            .Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(placeholders);
        var nodeNames = LoadAll().Where(o => o["kind"]!.GetValue<string>() == "GpuNode").Select(n => n["spec"]!["nodeName"]!.GetValue<string>()).ToList();
        Assert.All(placeholders.Concat(nodeNames), p => Assert.Contains(p, header, StringComparison.Ordinal));
    }

    // The console's hardware view for the GPU owners: their GpuNodes show the operator-run dcgm-exporter.
    [Fact]
    public void Samples_EveryTenantGpuNode_DeploysDcgmExporter()
    {
        var owned = LoadAll().Where(o => o["kind"]!.GetValue<string>() == "GpuNode" && o["spec"]!["tenant"] is not null).ToList();
        Assert.NotEmpty(owned);
        Assert.All(owned, n => Assert.True(n["spec"]!["dcgmExporter"]?["deploy"]?.GetValue<bool>() == true, $"{n["metadata"]!["name"]} has no dcgmExporter.deploy"));
    }

    [Fact]
    public void Samples_EverySecretReferenceResolvesToASampleSecretKey()
    {
        var objects = LoadAll();
        var secrets = objects.Where(o => o["kind"]!.GetValue<string>() == "Secret")
            .ToDictionary(s => s["metadata"]!["name"]!.GetValue<string>(), s => s["stringData"]!.AsObject().Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var refs = new List<(string Name, string Key)>();
        foreach (var o in objects)
        {
            CollectRefs(o, refs);
        }

        Assert.NotEmpty(refs);
        foreach (var (name, key) in refs)
        {
            Assert.True(secrets.TryGetValue(name, out var keys) && keys.Contains(key), $"Secret {name} key {key} is referenced but not in config/samples");
        }
    }

    [Fact]
    public void Deserialize_Samples_ReadIntoTheApiTypes()
    {
        foreach (var o in LoadAll().Where(o => o["apiVersion"]!.GetValue<string>() == ApiGroup.ApiVersion))
        {
            var json = o.ToJsonString();
            object typed = o["kind"]!.GetValue<string>() switch
            {
                "GpuNode" => KubernetesJson.Deserialize<GpuNode>(json),
                "ModelServing" => KubernetesJson.Deserialize<ModelServing>(json),
                "RoutingPolicy" => KubernetesJson.Deserialize<RoutingPolicy>(json),
                "TenantQuota" => KubernetesJson.Deserialize<TenantQuota>(json),
                var k => throw new InvalidOperationException("unexpected kind " + k),
            };
            Assert.NotNull(typed);
        }

        var quota = KubernetesJson.Deserialize<TenantQuota>(LoadAll().Single(o => o["kind"]!.GetValue<string>() == "TenantQuota" && o["metadata"]!["name"]!.GetValue<string>() == "team-c").ToJsonString());
        Assert.Equal(20_000_000, quota.Spec.MonthlyTokenBudget);
        Assert.Equal(0.2m, quota.Spec.Prices.InputPerMTok);
    }

    private static List<JsonNode> LoadAll() =>
        SampleFileNames().SelectMany(f => YamlJson.ParseAll(File.ReadAllText(RepoPaths.Of("config", "samples", f)))).Select(n => n!).ToList();

    private static void CollectRefs(JsonNode? node, List<(string, string)> refs)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (k, v) in obj)
                {
                    if (k.EndsWith("SecretRef", StringComparison.Ordinal) && v is JsonObject r)
                    {
                        refs.Add((r["name"]!.GetValue<string>(), r["key"]!.GetValue<string>()));
                    }
                    else if (k.EndsWith("SecretRefs", StringComparison.Ordinal) && v is JsonArray list)
                    {
                        refs.AddRange(list.Select(x => (x!["name"]!.GetValue<string>(), x["key"]!.GetValue<string>())));
                    }
                    else
                    {
                        CollectRefs(v, refs);
                    }
                }

                break;
            case JsonArray arr:
                foreach (var item in arr)
                {
                    CollectRefs(item, refs);
                }

                break;
        }
    }
}

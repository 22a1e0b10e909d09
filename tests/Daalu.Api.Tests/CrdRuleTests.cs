using System.Text.Json.Nodes;
using Daalu.Api.V1Alpha1;
using Daalu.CrdValidation;
using Xunit;

namespace Daalu.Api.Tests;

/// <summary>
/// The other side of the refusal table (Invalid/*.yaml): what the rules of issue 15 must still accept, and the CRD
/// shape they imply (one tenant pattern everywhere, Ready/Reason printer columns on every kind).
/// </summary>
[Collection("crds")]
public sealed class CrdRuleTests(CrdFixture crds)
{
    private static readonly IReadOnlyList<CrdSchema> Crds = CrdSchema.LoadDirectory(RepoPaths.Of("crds"));

    private static JsonNode Yaml(string yaml) => YamlJson.Parse(yaml)!;

    [Theory]
    [InlineData("\"--enable-prefix-caching\", \"--max-num-seqs\", \"32\"")]
    [InlineData("\"--model-impl\", \"transformers\"")]
    [InlineData("\"--max-model-len-extra\"")]
    [InlineData("\"--port-range=1\"")]
    [InlineData("\"--served-model-names\"")]
    [InlineData("\"--kv-cache-dtype=fp8\", \"--tp-size\"")]
    [InlineData("\"8000\", \"--host-ip\"")]
    public void Validate_ExtraArgsThatOnlyLookLikeManagedFlags_AreAccepted(string args)
    {
        var obj = Yaml($"apiVersion: ai.daalu.io/v1alpha1\nkind: ModelServing\nmetadata: {{name: ms, namespace: team-a}}\nspec:\n  gpuClass: rtx-2000-ada\n  engine:\n    extraArgs: [{args}]\n");

        Assert.Empty(crds.For(obj).Validate(obj));
    }

    [Theory]
    [InlineData("gpuClass: rtx-2000-ada, model: BAAI/bge-m3, embedding: true")]
    [InlineData("gpuClass: rtx-2000-ada, embedding: false")]
    [InlineData("model: BAAI/bge-m3, embedding: true, endpoint: {url: 'http://10.0.0.1:8000'}")]
    public void Validate_EmbeddingWithModelOrOff_IsAccepted(string spec)
    {
        var obj = Yaml($"apiVersion: ai.daalu.io/v1alpha1\nkind: ModelServing\nmetadata: {{name: ms, namespace: team-a}}\nspec: {{{spec}}}\n");

        Assert.Empty(crds.For(obj).Validate(obj));
    }

    [Theory]
    [InlineData("{requestClasses: [chat, agent], action: allow, tiers: [OwnGpu, External]}")]
    [InlineData("{requestClasses: [classifier], action: pin, tiers: [External]}")]
    [InlineData("{action: deny, tiers: [External]}")]
    [InlineData("{action: allow, tiers: [OwnGpu, Hosted]}")]
    public void Validate_RulesThatKeepCodingOffExternal_AreAccepted(string rule)
    {
        var obj = Yaml(
            "apiVersion: ai.daalu.io/v1alpha1\nkind: RoutingPolicy\nmetadata: {name: rp, namespace: daalu-system}\n" +
            $"spec:\n  tiers: [{{name: OwnGpu}}, {{name: Hosted}}]\n  rules:\n  - {rule}\n");

        Assert.Empty(crds.For(obj).Validate(obj));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("team-a")]
    [InlineData("0lab")]
    [InlineData("daalu-operator")]
    public void Validate_TenantNameTenantQuotaAccepts_IsAcceptedByEveryTenantField(string tenant)
    {
        var quota = Yaml($"apiVersion: ai.daalu.io/v1alpha1\nkind: TenantQuota\nmetadata: {{name: tq, namespace: daalu-system}}\nspec: {{tenant: {tenant}, apiKeySecretRefs: [{{name: k, key: key}}], monthlyTokenBudget: 1}}\n");
        var node = Yaml($"apiVersion: ai.daalu.io/v1alpha1\nkind: GpuNode\nmetadata: {{name: gn}}\nspec: {{nodeName: w1, tenant: {tenant}}}\n");
        var policy = Yaml(
            $"apiVersion: ai.daalu.io/v1alpha1\nkind: RoutingPolicy\nmetadata: {{name: rp, namespace: daalu-system}}\nspec:\n  tenants: [{tenant}]\n" +
            $"  tiers: [{{name: OwnGpu}}]\n  classification: [{{tenant: {tenant}, requestClass: chat}}]\n");
        var serving = Yaml($"apiVersion: ai.daalu.io/v1alpha1\nkind: ModelServing\nmetadata: {{name: ms, namespace: team-a}}\nspec: {{model: m, endpoint: {{url: 'http://10.0.0.1:8000', tenant: {tenant}}}}}\n");

        Assert.Empty(crds.For(quota).Validate(quota));
        Assert.Empty(crds.For(node).Validate(node));
        Assert.Empty(crds.For(policy).Validate(policy));
        Assert.Empty(crds.For(serving).Validate(serving));
    }

    [Fact]
    public void Crds_EveryTenantField_UsesTenantQuotasPattern()
    {
        var tenantFields = new List<(string Where, string? Pattern, long? MaxLength)>();
        foreach (var crd in Crds)
        {
            CollectTenantFields(crd.OpenApiSchema, crd.Kind, tenantFields);
        }

        // TenantQuota.spec.tenant, GpuNode.spec.tenant, ModelServing.spec.tenant, ModelServing.spec.endpoint.tenant,
        // RoutingPolicy.spec.tenants[] and RoutingPolicy.spec.classification[].tenant.
        Assert.Equal(6, tenantFields.Count);
        foreach (var (where, pattern, maxLength) in tenantFields)
        {
            Assert.True(pattern == TenantNames.Pattern || pattern == TenantNames.PatternOrEmpty, $"{where} has pattern {pattern ?? "(none)"}");
            Assert.Equal(63, maxLength);
        }

        Assert.Equal(TenantNames.Pattern, tenantFields.Single(f => f.Where == "TenantQuota.spec.tenant").Pattern);
    }

    [Fact]
    public void Crds_EveryKind_HasReadyAndReasonColumnsFromAConditionAndModelServingShowsServedModels()
    {
        foreach (var crd in Crds)
        {
            var columns = Columns(crd);
            var ready = Assert.Single(columns, c => c["name"]!.GetValue<string>() == "Ready");
            var reason = Assert.Single(columns, c => c["name"]!.GetValue<string>() == "Reason");
            Assert.Matches("^\\.status\\.conditions\\[\\?\\(@\\.type==\"(Ready|Accepted)\"\\)\\]\\.status$", ready["jsonPath"]!.GetValue<string>());
            Assert.Equal(ReasonFromStatus(ready["jsonPath"]!.GetValue<string>()), reason["jsonPath"]!.GetValue<string>());
            Assert.Null(ready["priority"]);
            Assert.Null(reason["priority"]);
        }

        var served = Assert.Single(Columns(Crds.Single(c => c.Kind == "ModelServing")), c => c["name"]!.GetValue<string>() == "Served");
        Assert.Equal(".status.servedModels[*].id", served["jsonPath"]!.GetValue<string>());
    }

    private static string ReasonFromStatus(string statusPath) => statusPath[..^".status".Length] + ".reason";

    private static List<JsonNode> Columns(CrdSchema crd) =>
        crd.Definition["spec"]!["versions"]!.AsArray().Single()!["additionalPrinterColumns"]!.AsArray().Select(c => c!).ToList();

    private static void CollectTenantFields(JsonObject schema, string path, List<(string, string?, long?)> found)
    {
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                var childPath = path + "." + name;
                if (child is not JsonObject childSchema || childPath.Contains(".status", StringComparison.Ordinal))
                {
                    continue;
                }

                if (name == "tenant" && childSchema["type"]?.GetValue<string>() == "string")
                {
                    found.Add((childPath, childSchema["pattern"]?.GetValue<string>(), childSchema["maxLength"]?.GetValue<long>()));
                }
                else if (name == "tenants" && childSchema["items"] is JsonObject items)
                {
                    found.Add((childPath + "[]", items["pattern"]?.GetValue<string>(), items["maxLength"]?.GetValue<long>()));
                }

                CollectTenantFields(childSchema, childPath, found);
            }
        }

        if (schema["items"] is JsonObject itemSchema)
        {
            CollectTenantFields(itemSchema, path + "[]", found);
        }
    }
}

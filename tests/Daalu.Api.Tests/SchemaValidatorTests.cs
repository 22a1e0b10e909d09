using System.Text.Json.Nodes;
using Daalu.CrdValidation;
using Xunit;

namespace Daalu.Api.Tests;

/// <summary>What the validator does besides refusing: defaults like the API server, pruning, transition rules.</summary>
[Collection("crds")]
public sealed class SchemaValidatorTests(CrdFixture crds)
{
    private static JsonNode Yaml(string yaml) => YamlJson.Parse(yaml)!;

    [Fact]
    public void Admit_MinimalGpuNode_AppliesNestedDefaults()
    {
        var obj = Yaml("apiVersion: ai.daalu.io/v1alpha1\nkind: GpuNode\nmetadata: {name: n}\nspec: {nodeName: w1}\n");
        var result = crds.For(obj).Admit(obj);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var spec = result.Resource["spec"]!;
        Assert.Equal("auto", spec["gpuClass"]!.GetValue<string>());
        Assert.Equal(string.Empty, spec["tenant"]!.GetValue<string>());
        Assert.False(spec["sharing"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(70, spec["sharing"]!["revenueSharePercent"]!.GetValue<long>());
        Assert.Equal("nvcr.io/nvidia/k8s-device-plugin:v0.20.0", spec["devicePlugin"]!["image"]!.GetValue<string>());
        Assert.Null(obj["spec"]!["gpuClass"]);
    }

    [Fact]
    public void Admit_RoutingPolicyDefaults_FillListItemsToo()
    {
        var obj = Yaml("apiVersion: ai.daalu.io/v1alpha1\nkind: RoutingPolicy\nmetadata: {name: p}\nspec:\n  tiers: [{name: OwnGpu}, {name: Hosted, enabled: false}]\n");
        var result = crds.For(obj).Admit(obj);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var tiers = result.Resource["spec"]!["tiers"]!.AsArray();
        Assert.True(tiers[0]!["enabled"]!.GetValue<bool>());
        Assert.False(tiers[1]!["enabled"]!.GetValue<bool>());
        Assert.Equal(6, result.Resource["spec"]!["fallThroughOn"]!.AsArray().Count);
        Assert.Equal(30000, result.Resource["spec"]!["timeouts"]!["firstByteMs"]!.GetValue<long>());
    }

    [Fact]
    public void Admit_PrunePolicy_DropsUnknownFieldsWithoutError()
    {
        var obj = Yaml("apiVersion: ai.daalu.io/v1alpha1\nkind: GpuNode\nmetadata: {name: n}\nspec: {nodeName: w1, colour: green}\n");
        var validator = new SchemaValidator(crds.For(obj).Crd, crds.Cel, UnknownFieldPolicy.Prune);
        var result = validator.Admit(obj);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Null(result.Resource["spec"]!["colour"]);
    }

    [Fact]
    public void Validate_TenantQuotaUpdateWithSameTenant_IsAccepted()
    {
        var old = Yaml("apiVersion: ai.daalu.io/v1alpha1\nkind: TenantQuota\nmetadata: {name: q}\nspec: {tenant: team-c, monthlyTokenBudget: 10}\n");
        var updated = Yaml("apiVersion: ai.daalu.io/v1alpha1\nkind: TenantQuota\nmetadata: {name: q}\nspec: {tenant: team-c, monthlyTokenBudget: 20}\n");

        Assert.Empty(crds.For(updated).Validate(updated, old));
    }

    [Fact]
    public void Validate_TenantChangeOnCreate_TransitionRuleDoesNotApply()
    {
        var created = Yaml("apiVersion: ai.daalu.io/v1alpha1\nkind: TenantQuota\nmetadata: {name: q}\nspec: {tenant: team-d, monthlyTokenBudget: 20}\n");

        Assert.Empty(crds.For(created).Validate(created));
    }

    [Fact]
    public void Validate_WithoutCelEvaluator_ReportsOnlySchemaErrors()
    {
        var obj = Yaml("apiVersion: ai.daalu.io/v1alpha1\nkind: ModelServing\nmetadata: {name: m}\nspec: {purpose: general}\n");
        var schemaOnly = new SchemaValidator(crds.For(obj).Crd);

        Assert.Empty(schemaOnly.Validate(obj));
        Assert.Equal(["spec: Invalid value: \"object\": exactly one of gpuNode, gpuClass or endpoint must be set"], crds.For(obj).Validate(obj));
    }

    [Fact]
    public void Evaluate_RuleThatDoesNotCompile_ThrowsWithTheParserMessage()
    {
        var e = Assert.Throws<CelEvaluationException>(() => crds.Cel.Evaluate("self.(", JsonValue.Create(1)));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void Evaluate_IntegerMarker_IsCelInt()
    {
        var self = new JsonObject { ["n"] = new JsonObject { ["$int"] = "3" } };
        Assert.True(crds.Cel.Evaluate("type(self.n) == int && self.n + 1 == 4", self));
        Assert.False(crds.Cel.Evaluate("self == oldSelf", JsonValue.Create("a"), JsonValue.Create("b"), hasOldSelf: true));
    }
}

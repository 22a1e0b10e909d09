using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Daalu.KubeApiServer.Tests;

public sealed class ValidationTests : TestCluster
{
    private static JsonObject Cause(JsonObject status) => Assert.Single(status["details"]!["causes"]!.AsArray())!.AsObject();

    [Fact]
    public async Task Create_BelowMinimum_Returns422InvalidWithCause()
    {
        var status = await ExpectStatus(422, () => CreateWidget(Widget("w", 0)));

        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
        Assert.Equal("Widget.test.daalu.io \"w\" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1", status["message"]!.GetValue<string>());
        var cause = Cause(status);
        Assert.Equal("FieldValueInvalid", cause["reason"]!.GetValue<string>());
        Assert.Equal("spec.size", cause["field"]!.GetValue<string>());
        Assert.Equal("w", status["details"]!["name"]!.GetValue<string>());
        Assert.Equal("widgets", status["details"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_MissingRequiredAndBadEnum_ListsBothCauses()
    {
        var w = Widget("w", 1, color: "purple");
        w["spec"]!.AsObject().Remove("size");

        var status = await ExpectStatus(422, () => CreateWidget(w));

        var causes = status["details"]!["causes"]!.AsArray().Select(c => (c!["reason"]!.GetValue<string>(), c["field"]!.GetValue<string>())).ToList();
        Assert.Contains(("FieldValueRequired", "spec.size"), causes);
        Assert.Contains(("FieldValueNotSupported", "spec.color"), causes);
    }

    [SkippableFact]
    public async Task Create_BreakingCelRule_Returns422WithTheRuleMessage()
    {
        Skip.IfNot(Server.CelRulesEvaluated, "node or tests/js/cel-eval.mjs is not available, so CEL rules are not evaluated");

        var status = await ExpectStatus(422, () => CreateWidget(Widget("w", 7, color: "blue")));

        var cause = Cause(status);
        Assert.Equal("spec", cause["field"]!.GetValue<string>());
        Assert.Contains("blue widgets are at most size 5", cause["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_AppliesSchemaDefaultsAndPrunesUnknownFields()
    {
        var w = Widget("w", 2);
        w["spec"]!["bogus"] = true;

        var created = await CreateWidget(w);

        Assert.Equal("red", created["spec"]!["color"]!.GetValue<string>());
        Assert.Null(created["spec"]!["bogus"]);
    }

    [Fact]
    public async Task Create_UnknownFieldWithStrictFieldValidation_Returns400()
    {
        var w = Widget("w", 2);
        w["spec"]!["bogus"] = true;
        using var http = new HttpClient();

        var response = await http.PostAsync(
            Server.BaseUrl + "/apis/test.daalu.io/v1/namespaces/default/widgets?fieldValidation=Strict",
            new StringContent(w.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unknown field \\\"spec.bogus\\\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_Invalid_Returns422AndLeavesTheObjectUnchanged()
    {
        var created = await CreateWidget(Widget("w", 2));
        created["spec"]!["size"] = 11;

        await ExpectStatus(422, () => Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(created, Group, Version, "default", "widgets", "w"));
        await ExpectStatus(422, () => Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"observedGeneration":"one"}}""", V1Patch.PatchType.MergePatch), Group, Version, "default", "widgets", "w"));

        var read = await GetWidget("w");
        Assert.Equal(2, read["spec"]!["size"]!.GetValue<int>());
        Assert.Equal(Rv(created), Rv(read));
    }

    [Fact]
    public async Task Create_InvalidName_Returns422()
    {
        var status = await ExpectStatus(422, () => Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "Bad_Name" } }, "default"));

        Assert.Equal("metadata.name", Cause(status)["field"]!.GetValue<string>());
    }
}

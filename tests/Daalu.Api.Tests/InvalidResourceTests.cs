using System.Text.Json.Nodes;
using Daalu.CrdValidation;
using Xunit;

namespace Daalu.Api.Tests;

/// <summary>
/// The table of refused resources: each tests/Daalu.Api.Tests/Invalid/*.yaml holds `object` (and, for an update,
/// `old`) and `expect`, the exact set of messages the API server returns.
/// </summary>
[Collection("crds")]
public sealed class InvalidResourceTests(CrdFixture crds)
{
    public static TheoryData<string> Cases() => new(CaseNames());

    private static List<string> CaseNames() =>
        Directory.GetFiles(RepoPaths.Of("tests", "Daalu.Api.Tests", "Invalid"), "*.yaml").Select(f => Path.GetFileName(f))
            .Order(StringComparer.Ordinal).ToList();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_InvalidResource_RefusedWithExactMessages(string file)
    {
        var fixture = YamlJson.Parse(File.ReadAllText(RepoPaths.Of("tests", "Daalu.Api.Tests", "Invalid", file)))!.AsObject();
        var obj = fixture["object"] ?? throw new InvalidOperationException($"{file} has no object");
        var expected = fixture["expect"]!.AsArray().Select(e => e!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);

        var errors = crds.For(obj).Validate(obj, fixture["old"]).Order(StringComparer.Ordinal).ToList();

        Assert.True(expected.SequenceEqual(errors), $"{file}\nexpected:\n  {string.Join("\n  ", expected)}\nactual:\n  {string.Join("\n  ", errors)}");
    }

    [Fact]
    public void Cases_CoverEveryCelRuleInTheCrds()
    {
        var messages = CaseNames()
            .SelectMany(f => YamlJson.Parse(File.ReadAllText(RepoPaths.Of("tests", "Daalu.Api.Tests", "Invalid", f)))!["expect"]!.AsArray())
            .Select(e => e!.GetValue<string>())
            .ToList();
        var rules = new List<string>();
        foreach (var crd in CrdSchema.LoadDirectory(RepoPaths.Of("crds")))
        {
            CollectRuleMessages(crd.OpenApiSchema, rules);
        }

        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            Assert.True(messages.Any(m => m.EndsWith(": " + rule, StringComparison.Ordinal)), $"no invalid-resource case refuses with the CEL rule message \"{rule}\"");
        }
    }

    private static void CollectRuleMessages(JsonNode? node, List<string> messages)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["x-kubernetes-validations"] is JsonArray rules)
                {
                    messages.AddRange(rules.Select(r => r!["message"]!.GetValue<string>()));
                }

                foreach (var (_, v) in obj)
                {
                    CollectRuleMessages(v, messages);
                }

                break;
            case JsonArray arr:
                foreach (var item in arr)
                {
                    CollectRuleMessages(item, messages);
                }

                break;
        }
    }
}

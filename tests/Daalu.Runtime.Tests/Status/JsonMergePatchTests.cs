using System.Text.Json.Nodes;
using Daalu.Api.V1Alpha1;
using Daalu.Runtime.Status;

namespace Daalu.Runtime.Tests.Status;

public class JsonMergePatchTests
{
    [Fact]
    public void Diff_EqualDocuments_NoChange()
    {
        var (changed, patch) = JsonMergePatch.Diff(JsonNode.Parse("""{"a":1,"b":{"c":[1,2]}}"""), JsonNode.Parse("""{"b":{"c":[1,2]},"a":1}"""));

        Assert.False(changed);
        Assert.Null(patch);
    }

    [Fact]
    public void Diff_ChangedRemovedAndAddedFields_MinimalPatchWithNullForRemoval()
    {
        var (changed, patch) = JsonMergePatch.Diff(
            JsonNode.Parse("""{"phase":"Pending","keep":1,"old":"x","nested":{"a":1,"b":2}}"""),
            JsonNode.Parse("""{"phase":"Ready","keep":1,"added":true,"nested":{"a":1,"b":3}}"""));

        Assert.True(changed);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"phase":"Ready","added":true,"nested":{"b":3},"old":null}"""), patch));
    }

    [Fact]
    public void Diff_NullValuedFields_CountAsAbsent()
    {
        var (changed, _) = JsonMergePatch.Diff(JsonNode.Parse("""{"a":1}"""), JsonNode.Parse("""{"a":1,"b":null}"""));

        Assert.False(changed);
    }

    [Fact]
    public void BuildPatch_StatusUnchanged_ReturnsNull()
    {
        var node = new GpuNode { Metadata = new() { Name = "n", ResourceVersion = "5" }, Status = new GpuNodeStatus { Phase = "Ready", GpuCount = 1 } };

        Assert.Null(StatusWriter.BuildPatch(node, new GpuNodeStatus { Phase = "Ready", GpuCount = 1 }));
    }

    [Fact]
    public void BuildPatch_StatusChanged_PatchCarriesResourceVersionAndOnlyTheDifference()
    {
        var node = new GpuNode { Metadata = new() { Name = "n", ResourceVersion = "5" }, Status = new GpuNodeStatus { Phase = "Pending", GpuCount = 1 } };

        var patch = JsonNode.Parse(StatusWriter.BuildPatch(node, new GpuNodeStatus { Phase = "Ready", GpuCount = 1 })!);

        Assert.Equal("5", (string?)patch!["metadata"]!["resourceVersion"]);
        Assert.Equal("Ready", (string?)patch["status"]!["phase"]);
        Assert.Null(patch["status"]!["gpuCount"]);
    }
}

using Daalu.Api.V1Alpha1;
using Daalu.Operator.Routing;
using static Daalu.Operator.Tests.Routing.RoutingFixtures;

namespace Daalu.Operator.Tests.Routing;

// The Responses capability compiled into backend entries: vLLM v0.11.0 refuses Responses calls with tools on
// non-Harmony models (vLLM issue #28173); PR #26874 added them after it, so native forwarding starts at v0.12.0.
public sealed class VllmApiSupportTests
{
    [Theory]
    [InlineData("vllm/vllm-openai:v0.11.0", false)]
    [InlineData("vllm/vllm-openai:v0.10.2", false)]
    [InlineData("vllm/vllm-openai:v0.12.0", true)]
    [InlineData("docker.io/vllm/vllm-openai:v0.13.1", true)]
    [InlineData("registry.local:5000/vllm/vllm-openai:0.14.0-cu130", true)]
    [InlineData("vllm/vllm-openai:latest", false)]
    [InlineData("vllm/vllm-openai@sha256:0123456789abcdef", false)]
    [InlineData("registry.local:5000/vllm/vllm-openai", false)]
    [InlineData("ghcr.io/ggml-org/llama.cpp:server-0.20.0", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void ServesResponses_ImageTag_FromTheFirstReleaseWithToolsForEveryModel(string? image, bool expected)
    {
        Assert.Equal(expected, VllmApiSupport.ServesResponses(image));
    }

    [Fact]
    public void VersionOf_TagWithSuffix_ReadsTheRelease()
    {
        Assert.Equal(new Version(0, 12, 0), VllmApiSupport.VersionOf("vllm/vllm-openai:v0.12"));
        Assert.Equal(new Version(0, 13, 1), VllmApiSupport.VersionOf("vllm/vllm-openai:v0.13.1rc2"));
    }

    [Fact]
    public void Compile_DeployedVllmByImage_ServesResponsesOnlyFromV0120AndNeverForEndpoints()
    {
        var newer = OnGpuNode("team-a-new", "team-a-rtx2000", models: "m");
        newer.Spec.Engine = new EngineSettings { Image = "vllm/vllm-openai:v0.12.0" };
        var older = OnGpuNode("team-a-old", "team-a-rtx2000", models: "m");
        var endpoint = Endpoint("pool", "http://10.0.0.9:8000", models: "m");
        var compiled = RouterConfigCompiler.Compile(Input(
            servings: [newer, older, endpoint], gpuNodes: [GpuNode("team-a-rtx2000", "team-a")], quotas: [Quota("team-a")], secrets: Secrets("team-a")));
        var backends = compiled.Configuration.Backends;

        Assert.Empty(compiled.Errors);
        Assert.True(backends.Single(b => b.Name == $"{Ns}/team-a-new").ServesResponses);
        Assert.False(backends.Single(b => b.Name == $"{Ns}/team-a-old").ServesResponses); // the default image, v0.11.0
        Assert.False(backends.Single(b => b.Name == $"{Ns}/pool").ServesResponses);
    }
}

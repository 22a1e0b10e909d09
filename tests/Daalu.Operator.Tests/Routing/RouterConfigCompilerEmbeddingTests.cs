using Daalu.Api.V1Alpha1;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Gateway.Abstractions;
using Daalu.Operator.Routing;
using Daalu.Router.Configuration;
using Daalu.Router.Planning;
using static Daalu.Operator.Tests.Routing.RoutingFixtures;

namespace Daalu.Operator.Tests.Routing;

// spec.embedding on a ModelServing becomes the backend's embeddingModels, which is what the router's planner reads to
// send /v1/embeddings only to embedding models (issue 17, deliverable 5).
public sealed class RouterConfigCompilerEmbeddingTests
{
    private const string Chat = "Qwen/Qwen2.5-14B-Instruct-AWQ";
    private const string Embed = "BAAI/bge-m3";

    private static CompileInput Cluster()
    {
        var embed = Endpoint("pool-embed", "http://10.0.0.8:8000", models: Embed);
        embed.Spec.Embedding = true;
        var onNode = OnGpuNode("team-a-embed", "team-a-rtx2000", models: Embed);
        onNode.Spec.Embedding = true;
        return Input(
            servings: [Endpoint("pool-chat", "http://10.0.0.9:8000", models: Chat), embed, onNode],
            gpuNodes: [GpuNode("team-a-rtx2000", "team-a")],
            quotas: [Quota("team-a")],
            secrets: Secrets("team-a"));
    }

    [Fact]
    public void Compile_EmbeddingModelServing_ServedModelsBecomeEmbeddingModels()
    {
        var compiled = RouterConfigCompiler.Compile(Cluster());
        var backends = compiled.Configuration.Backends;

        Assert.Empty(compiled.Errors);
        Assert.Equal([Embed], backends.Single(b => b.Name == $"{Ns}/pool-embed").EmbeddingModels);
        Assert.Equal([Embed], backends.Single(b => b.Name == $"{Ns}/team-a-embed").EmbeddingModels);
        Assert.Empty(backends.Single(b => b.Name == $"{Ns}/pool-chat").EmbeddingModels);
    }

    [Fact]
    public void Plan_CompiledEmbeddingBackends_EmbeddingsGoOnlyThereAndChatNever()
    {
        var config = RouterConfigCompiler.Compile(Cluster()).Configuration;
        // The compiled keys are files the router's pod mounts; here each becomes an inline value so the router loads it.
        foreach (var key in config.Tenants.SelectMany(t => t.Keys))
        {
            (key.File, key.Value) = (null, "k-" + key.File);
        }

        var snapshot = RouterConfigLoader.Compile(config, [1], Path.GetTempPath(), _ => new NoKeys());
        var tenant = snapshot.Tenants["team-a"];

        var embeddings = CascadePlanner.Plan(
            new PlanRequest(tenant, RequestClasses.Chat, "auto", 1, new RequestFeatures(RequestFeatures.Embeddings, false, false)),
            snapshot, BackendView.Unknown, new Random(1));
        var chat = CascadePlanner.Plan(
            new PlanRequest(tenant, RequestClasses.Chat, "auto", 1, new RequestFeatures(RequestFeatures.Chat, false, false)),
            snapshot, BackendView.Unknown, new Random(1));

        Assert.Equal([$"{Ns}/team-a-embed", $"{Ns}/pool-embed"], embeddings.Candidates.Select(c => c.Name));
        Assert.All(embeddings.Candidates, c => Assert.Equal(Embed, c.UpstreamModel));
        Assert.Contains(chat.Candidates, c => c.Name == $"{Ns}/pool-chat");
        Assert.DoesNotContain(chat.Candidates, c => c.UpstreamModel == Embed);
    }

    // The planner never authenticates; the snapshot only needs an authenticator object.
    private sealed class NoKeys : ITenantAuthenticator
    {
        public TenantIdentity? Authenticate(ReadOnlySpan<char> bearerKey) => null;
    }
}

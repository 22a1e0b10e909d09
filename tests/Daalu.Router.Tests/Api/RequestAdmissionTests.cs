using System.Text;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Api;
using Daalu.Router.Backends;
using Daalu.Router.Planning;
using Daalu.Router.Tests.Planning;
using Xunit;

namespace Daalu.Router.Tests.Api;

/// <summary>The admission checks between the inbound stage and the plan, without a host.</summary>
public sealed class RequestAdmissionTests
{
    private static (string? Class, RequestError? Error) Admit(string tenant, string body, string? classHeader = null, string endpoint = RequestFeatures.Chat)
    {
        var config = PlannerTestData.Base();
        config.Backends.Single(b => b.Name == "own-a").Models.Add("m-own");
        var snap = PlannerTestData.Compile(config);
        var (req, error) = InboundStage.Read(Encoding.UTF8.GetBytes(body), InboundApi.OpenAI, endpoint, 64, TimeProvider.System);
        Assert.Null(error);
        return RequestAdmission.Admit(snap, snap.Tenants[tenant], req!, classHeader, new BackendRegistry(TimeProvider.System));
    }

    private const string Chat = "{\"model\":\"MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    [Fact]
    public void Admit_ServedModelNoHeader_ChatClass()
    {
        var (cls, error) = Admit("team-a", Chat.Replace("MODEL", "m-general", StringComparison.Ordinal));

        Assert.Null(error);
        Assert.Equal("chat", cls);
    }

    [Fact]
    public void Admit_UnknownClassHeader_400InvalidRequestClass()
    {
        var (cls, error) = Admit("team-a", Chat.Replace("MODEL", "m-general", StringComparison.Ordinal), "urgent");

        Assert.Null(cls);
        Assert.Equal((400, "invalid_request_class", "X-Daalu-Request-Class"), (error!.Status, error.Code, error.Param));
    }

    [Fact]
    public void Admit_AnotherTenantsOwnModel_403ModelNotAllowed()
    {
        var (_, error) = Admit("team-b", Chat.Replace("MODEL", "m-own", StringComparison.Ordinal));

        Assert.Equal((403, "model_not_allowed"), (error!.Status, error.Code));
    }

    [Fact]
    public void Admit_ModelNobodyServes_404ModelNotFound()
    {
        var (_, error) = Admit("team-a", Chat.Replace("MODEL", "no-such-model", StringComparison.Ordinal));

        Assert.Equal((404, "model_not_found", "model"), (error!.Status, error.Code, error.Param));
    }

    [Fact]
    public void Admit_EmbeddingsWithoutEmbeddingModel_404NoEmbeddingModel()
    {
        var (_, error) = Admit("team-a", "{\"model\":\"m-general\",\"input\":\"x\"}", endpoint: RequestFeatures.Embeddings);

        Assert.Equal((404, "no_embedding_model"), (error!.Status, error.Code));
    }
}

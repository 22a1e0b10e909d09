using System.Text;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Configuration;
using Daalu.Router.Planning;
using Daalu.Router.Tests.Infrastructure;

namespace Daalu.Router.Tests.Planning;

public static class PlannerTestData
{
    public static RouterSnapshot Compile(RouterConfiguration c) =>
        RouterConfigLoader.Compile(c, Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()), Path.GetTempPath(), keys => new FakeAuthenticator(keys));

    public static RouterConfiguration Base()
    {
        var c = TestConfigs.Standard("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3/v1");
        c.Providers.Add(new ProviderConfig
        {
            Name = "claude",
            ApiStyle = ApiStyles.Anthropic,
            BaseUrl = "http://127.0.0.1:4",
            ApiKey = new SecretSource { Value = "sk-ant" },
            TranslateTools = false,
            Models = [new ProviderModel { Name = "claude-x", Serves = ["m-general", "auto", "general"], SupportsImages = false }],
        });
        return c;
    }

    public static CascadePlan Plan(RouterSnapshot s, string cls, string model = "m-general", int complexity = 2, bool tools = false, bool images = false, Func<string, BackendView>? state = null, string tenant = "team-a") =>
        CascadePlanner.Plan(new PlanRequest(s.Tenants[tenant], cls, model, complexity, new RequestFeatures(RequestFeatures.Chat, tools, images)), s, state ?? BackendView.Unknown, new Random(1));

    public static string[] Names(CascadePlan p) => [.. p.Candidates.Select(c => $"{c.Tier}:{c.Name}")];
}

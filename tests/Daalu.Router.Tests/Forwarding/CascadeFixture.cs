using Daalu.Contracts.RouterConfig;
using Daalu.Router.Tests.Infrastructure;
using Daalu.TestDoubles.OpenAICompatible;

namespace Daalu.Router.Tests.Forwarding;

/// <summary>Own GPU (team-a), hosted pool and OpenAI doubles plus a router over them; one per test.</summary>
public sealed class CascadeFixture : IAsyncDisposable
{
    public required VllmDouble Own { get; init; }

    public required VllmDouble Hosted { get; init; }

    public required OpenAIDouble OpenAI { get; init; }

    public required RouterTestHost Host { get; init; }

    public static async Task<CascadeFixture> StartAsync(Action<RouterConfiguration>? adjust = null, TimeProvider? time = null)
    {
        var own = await VllmDouble.StartNewAsync("own", "m-general");
        var hosted = await VllmDouble.StartNewAsync("hosted", "m-general");
        var openai = await OpenAIDouble.StartNewAsync(TestConfigs.OpenAIKey, "gpt-ext");
        var config = TestConfigs.Standard(own.BaseUrl, hosted.BaseUrl, openai.ProviderBaseUrl);
        adjust?.Invoke(config);
        var host = await RouterTestHost.StartAsync(config, time);
        return new CascadeFixture { Own = own, Hosted = hosted, OpenAI = openai, Host = host };
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Own.DisposeAsync();
        await Hosted.DisposeAsync();
        await OpenAI.DisposeAsync();
    }
}

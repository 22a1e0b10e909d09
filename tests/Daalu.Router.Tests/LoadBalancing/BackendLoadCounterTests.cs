using System.Net;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Backends;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Daalu.Router.Tests.LoadBalancing;

// A call outside the cascade (the difficulty judge's question to the tenant's own card) is a request in that card's
// batch: the load view counts it while it runs, as the cascade's attempt counts its calls.
public sealed class BackendLoadCounterTests
{
    [Fact]
    public void Track_CallRunning_CountedInViewAndOutOnceWhenDisposed()
    {
        var registry = new BackendRegistry(new FakeTimeProvider());
        registry.Get("own-a").Enter(); // a cascade call already there
        var tracked = registry.Track("own-a", 130, 129, null);

        var during = registry.View("own-a");
        Assert.Equal(2, during.InFlight);
        Assert.Equal(1, during.Load!.InFlight); // the cascade call counted only in BackendRuntime here
        Assert.Equal(130, during.Load.InFlightTokens);
        Assert.Equal(129, during.Load.PrefillBacklogTokens); // not streamed: its prefill counts until it ends

        tracked.Dispose();
        tracked.Dispose();
        var after = registry.View("own-a");
        Assert.Equal(1, after.InFlight);
        Assert.Equal(0, after.Load!.InFlight);
        Assert.Equal(0, after.Load.InFlightTokens);
        Assert.Equal(0, after.Load.PrefillBacklogTokens);
    }

    [Fact]
    public async Task Explain_JudgeAsksOwnCard_CountedInThatCardsLoadWhileItRuns()
    {
        await using var f = await CascadeFixture.StartAsync(c =>
        {
            foreach (var p in c.Policies)
            {
                p.Judge = new JudgeSettings { Enabled = true, Model = "m-general", ConfidenceBelowPercent = 100, TimeoutMs = 2000, QualitySamplePercent = 0 };
            }
        });
        var registry = f.Host.Router.Services.GetRequiredService<BackendRegistry>();
        int? inFlightDuringJudge = null;
        long? tokensDuringJudge = null;
        f.Own.ChatReply = b =>
        {
            if (!b.Contains("Rate how hard", StringComparison.Ordinal))
            {
                return null;
            }

            var v = registry.View("own-a");
            (inFlightDuringJudge, tokensDuringJudge) = (v.InFlight, v.Load?.InFlightTokens);
            return "2";
        };

        // No code, no math, no task verb, longer than a short question: the learned stage decides, unsure, so the judge
        // is asked (the prompt of Classification/JudgeEndToEndTests).
        var body = "{\"model\":\"m-general\",\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},{\"role\":\"user\",\"content\":\"Tell me about the history of the bicycle and how it changed cities like ZEBRA_MARKER_77.\"}]}";
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Post("/v1/route/explain", TestConfigs.KeyA, body));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Single(f.Own.Calls);
        Assert.Equal(1, inFlightDuringJudge);
        Assert.InRange(tokensDuringJudge ?? 0, 50, 1000); // the judge prompt's ~4 characters a token, plus 1 out
        Assert.Equal(0, registry.View("own-a").InFlight);
        Assert.Equal(0, registry.View("own-a").Load!.InFlightTokens);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Chat_CallOnOwnCard_PromptInPrefillBacklogUntilAnsweredAndConversationInIndex(bool stream)
    {
        await using var f = await CascadeFixture.StartAsync();
        var registry = f.Host.Router.Services.GetRequiredService<BackendRegistry>();
        long? backlogDuring = null;
        f.Own.ChatReply = b =>
        {
            backlogDuring = registry.View("own-a").Load?.PrefillBacklogTokens;
            return null;
        };

        var question = "Summarise the incident report for the payments service. " + new string('r', 2000);
        var body = "{\"model\":\"m-general\",\"stream\":" + (stream ? "true" : "false") + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Post("/v1/chat/completions", TestConfigs.KeyA, body));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("own-a", resp.Headers.GetValues("X-Daalu-Backend").Single());
        var after = registry.View("own-a").Load!;
        if (stream)
        {
            Assert.Single(after.Ttft); // its first token counted its prefill out (the double calls ChatReply only for JSON answers)
        }
        else
        {
            Assert.InRange(backlogDuring ?? 0, 500, 600); // ~2,060 characters at 4 a token, none cached: the card has seen nothing
            Assert.Empty(after.Ttft); // a JSON answer has no first token to see: its prefill went out with the call
        }

        Assert.Equal(0, after.PrefillBacklogTokens);
        Assert.Equal(0, after.InFlight);
        Assert.Equal(1, after.Index!.Count); // the conversation is noted as sent there
    }
}

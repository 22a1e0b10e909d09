using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Dialects;

/// <summary>
/// The official clients as real callers of the new inbound APIs: the `openai` npm SDK's Responses API and
/// `@anthropic-ai/sdk`'s Messages API, against the router over the vLLM doubles. Each script checks one feature per
/// step (plain, stream: true, the stream helper, tools both ways, errors) and exits non-zero on the first miss.
/// </summary>
public sealed class NodeClientDialectTests
{
    [SkippableFact]
    public async Task OfficialOpenAIClient_ResponsesCreateStreamAndTools_WorkThroughRouter()
    {
        Skip.IfNot(Directory.Exists(Path.Combine(NodeScript.JsDir(), "node_modules", "openai")), "tests/js/node_modules/openai is missing: run `npm ci --prefix tests/js`");
        await using var f = await CascadeFixture.StartAsync();

        var r = await NodeScript.RunAsync("openai-responses-e2e.mjs", f.Host.Router.BaseUrl, TestConfigs.KeyA, "m-general");

        Assert.Equal("OwnGpu", r.GetProperty("tier").GetString());
        Assert.StartsWith("answer from own", r.GetProperty("plainText").GetString(), StringComparison.Ordinal);
        Assert.False(r.GetProperty("plainStore").GetBoolean());
        Assert.Equal("tok0 tok1 tok2 tok3 tok4 ", r.GetProperty("streamText").GetString());
        Assert.Equal("response.created", r.GetProperty("streamFirst").GetString());
        Assert.True(r.GetProperty("sequenceContiguous").GetBoolean());
        Assert.Equal(5, r.GetProperty("streamUsage").GetInt32());
        Assert.Equal("tok0 tok1 tok2 tok3 tok4 ", r.GetProperty("helperText").GetString());
        Assert.Equal("get_weather", r.GetProperty("toolName").GetString());
        Assert.Equal("{\"city\":\"Paris\"}", r.GetProperty("streamedToolArgs").GetString());
        Assert.Equal(400, r.GetProperty("prevStatus").GetInt32());
        Assert.Equal("previous_response_not_supported", r.GetProperty("prevCode").GetString());
        // create, stream: true, helper, two tool calls and the follow-up reached the model; the refused call did not.
        Assert.Equal(6, f.Own.Calls.Count);
    }

    [SkippableFact]
    public async Task OfficialOpenAIClient_ResponsesToBackendServingResponses_ForwardedNativelyThroughRouter()
    {
        Skip.IfNot(Directory.Exists(Path.Combine(NodeScript.JsDir(), "node_modules", "openai")), "tests/js/node_modules/openai is missing: run `npm ci --prefix tests/js`");
        await using var f = await CascadeFixture.StartAsync(c => c.Backends.Single(b => b.Name == "own-a").ServesResponses = true);
        f.Own.ServesResponses = true;

        var r = await NodeScript.RunAsync("openai-responses-e2e.mjs", f.Host.Router.BaseUrl, TestConfigs.KeyA, "m-general");

        // The same script as the translated path: the SDK's stream helper checks the relayed events' order and identity.
        Assert.Equal("OwnGpu", r.GetProperty("tier").GetString());
        Assert.Equal("answer from own: tok0 tok1 tok2 tok3 tok4 ", r.GetProperty("plainText").GetString());
        Assert.False(r.GetProperty("plainStore").GetBoolean());
        Assert.Equal("answer from own: tok0 tok1 tok2 tok3 tok4 ", r.GetProperty("streamText").GetString());
        Assert.True(r.GetProperty("sequenceContiguous").GetBoolean());
        Assert.Equal(5, r.GetProperty("streamUsage").GetInt32());
        Assert.Equal(r.GetProperty("helperDeltas").GetString(), r.GetProperty("helperText").GetString());
        Assert.Equal("get_weather", r.GetProperty("toolName").GetString());
        Assert.Equal("{\"city\":\"Paris\"}", r.GetProperty("streamedToolArgs").GetString());
        Assert.Equal(400, r.GetProperty("prevStatus").GetInt32());
        Assert.Equal(6, f.Own.Calls.Count);
        Assert.All(f.Own.Calls, c => Assert.Equal("/v1/responses", c.Path));
    }

    [SkippableFact]
    public async Task OfficialAnthropicClient_MessagesStreamToolsAndCount_WorkThroughRouter()
    {
        Skip.IfNot(Directory.Exists(Path.Combine(NodeScript.JsDir(), "node_modules", "@anthropic-ai", "sdk")), "tests/js/node_modules/@anthropic-ai/sdk is missing: run `npm ci --prefix tests/js`");
        await using var f = await CascadeFixture.StartAsync();

        var r = await NodeScript.RunAsync("anthropic-e2e.mjs", f.Host.Router.BaseUrl, TestConfigs.KeyA, "m-general");

        Assert.Equal("OwnGpu", r.GetProperty("tier").GetString());
        Assert.StartsWith("answer from own", r.GetProperty("plainText").GetString(), StringComparison.Ordinal);
        Assert.Equal("tok0 tok1 tok2 tok3 tok4 ", r.GetProperty("streamText").GetString());
        Assert.Equal("tok0 tok1 tok2 tok3 tok4 ", r.GetProperty("helperText").GetString());
        Assert.Equal(5, r.GetProperty("helperUsageOut").GetInt32());
        Assert.Equal("get_weather", r.GetProperty("toolName").GetString());
        Assert.Equal("Paris", r.GetProperty("toolCity").GetString());
        Assert.Equal("Paris", r.GetProperty("streamedToolCity").GetString());
        Assert.Equal("{\"city\":\"Paris\"}", r.GetProperty("partialJson").GetString());
        Assert.True(r.GetProperty("countTokens").GetInt32() > 0);
        Assert.Equal(404, r.GetProperty("errorStatus").GetInt32());
        Assert.Equal("not_found_error", r.GetProperty("errorType").GetString());
        Assert.Equal("NotFoundError", r.GetProperty("errorClass").GetString());
        // create, stream: true, helper, two tool calls and the follow-up; count_tokens and the unknown model call none.
        Assert.Equal(6, f.Own.Calls.Count);
    }
}

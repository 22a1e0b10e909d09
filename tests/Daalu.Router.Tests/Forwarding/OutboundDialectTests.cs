using System.Text;
using System.Text.Json;
using Daalu.Contracts;
using Daalu.Router.Api;
using Daalu.Router.Forwarding;
using Daalu.Router.Planning;
using Daalu.Router.Tests.Infrastructure;
using Daalu.Router.Tests.Planning;
using Daalu.Router.Translation;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

/// <summary>The outbound dialects without a host: the upstream request each builds and how answers and errors come back.</summary>
public sealed class OutboundDialectTests
{
    private static RouteContext Context(string body, string path = "/v1/chat/completions")
    {
        var snap = PlannerTestData.Compile(PlannerTestData.Base());
        var (parsed, error) = RequestParser.Parse(Encoding.UTF8.GetBytes(body), RequestFeatures.Chat, 64);
        Assert.Null(error);
        parsed!.Raw = Encoding.UTF8.GetBytes(body);
        var plan = PlannerTestData.Plan(snap, "chat");
        return new RouteContext(snap, snap.Tenants["team-a"], parsed, plan, "req-1", path, 0);
    }

    // A Responses call (translated to chat by the inbound stage) planned over backends of which own-a serves Responses.
    private static RouteContext ResponsesContext(string body, bool ownServesResponses)
    {
        var config = PlannerTestData.Base();
        config.Backends.Single(b => b.Name == "own-a").ServesResponses = ownServesResponses;
        var snap = PlannerTestData.Compile(config);
        var (parsed, error) = InboundStage.Read(Encoding.UTF8.GetBytes(body), InboundApi.Responses, RequestFeatures.Chat, 64, TimeProvider.System);
        Assert.Null(error);
        var plan = PlannerTestData.Plan(snap, "chat");
        return new RouteContext(snap, snap.Tenants["team-a"], parsed!, plan, "req-1", "/v1/chat/completions", 0);
    }

    private static Candidate Cand(RouteContext rc, string name) => rc.Plan.Candidates.Single(c => c.Name == name);

    [Fact]
    public async Task OpenAIChat_StreamSameModel_ClientBytesWithUsageOptionSpliced()
    {
        const string body = "{\"model\":\"m-general\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        var rc = Context(body);

        using var req = OutboundDialects.For(Cand(rc, "own-a"), rc.Request).Build(rc, Cand(rc, "own-a"), TimeProvider.System, out var upstreamStream);

        Assert.Null(upstreamStream);
        Assert.Equal("http://127.0.0.1:1/v1/chat/completions", req.RequestUri!.ToString());
        Assert.Equal(TestConfigs.BackendKey, req.Headers.Authorization!.Parameter);
        Assert.Equal("req-1", req.Headers.GetValues("X-Request-Id").Single());
        var sent = Encoding.UTF8.GetString(await req.Content!.ReadAsByteArrayAsync());
        Assert.Equal(body[..^1] + ",\"stream_options\":{\"include_usage\":true}}", sent);
    }

    [Fact]
    public async Task AnthropicMessages_Chat_MessagesRequestWithAnthropicHeadersAndStreamTranslator()
    {
        var rc = Context("{\"model\":\"m-general\",\"stream\":true,\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"hi\"}]}");
        var cand = Cand(rc, "claude");
        var outbound = OutboundDialects.For(cand, rc.Request);

        using var req = outbound.Build(rc, cand, TimeProvider.System, out var upstreamStream);

        Assert.IsType<AnthropicStreamTranslator>(upstreamStream);
        Assert.False(outbound.PassesErrorBodies);
        Assert.Equal("http://127.0.0.1:4/v1/messages", req.RequestUri!.ToString());
        Assert.Equal("sk-ant", req.Headers.GetValues("x-api-key").Single());
        Assert.Equal("2023-06-01", req.Headers.GetValues("anthropic-version").Single());
        using var sent = JsonDocument.Parse(await req.Content!.ReadAsByteArrayAsync());
        Assert.Equal("claude-x", sent.RootElement.GetProperty("model").GetString());
        Assert.Equal("S", sent.RootElement.GetProperty("system").GetString());
        Assert.True(sent.RootElement.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public void ToOpenAIError_EachDialect_NestedOpenAIShape()
    {
        var rc = Context("{\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        var vllmFlat = Encoding.UTF8.GetBytes("{\"object\":\"error\",\"message\":\"bad\",\"type\":\"BadRequestError\",\"code\":400}");
        var anthropic = Encoding.UTF8.GetBytes("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"too long\"}}");

        using var a = JsonDocument.Parse(OutboundDialects.For(Cand(rc, "own-a"), rc.Request).ToOpenAIError(vllmFlat, 400));
        using var b = JsonDocument.Parse(OutboundDialects.For(Cand(rc, "claude"), rc.Request).ToOpenAIError(anthropic, 400));

        Assert.Equal("bad", a.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("too long", b.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", b.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public void AnthropicMessages_Answer_ChatCompletionWithClientModel()
    {
        var rc = Context("{\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        var answer = Encoding.UTF8.GetBytes("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}");

        using var chat = JsonDocument.Parse(OutboundDialects.For(Cand(rc, "claude"), rc.Request).ToChatCompletion(answer, rc, TimeProvider.System));

        Assert.Equal("m-general", chat.RootElement.GetProperty("model").GetString());
        Assert.Equal("Hello", chat.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(1, chat.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ResponsesNative_BackendServesResponses_ClientRequestToV1ResponsesWithUpstreamModelAndStoreOff()
    {
        const string body = "{\"model\":\"m-general\",\"input\":\"hi\",\"instructions\":\"Be brief\",\"stream\":true,\"store\":true,\"max_output_tokens\":50}";
        var rc = ResponsesContext(body, ownServesResponses: true);
        var own = Cand(rc, "own-a");
        var outbound = OutboundDialects.For(own, rc.Request);

        using var req = outbound.Build(rc, own, TimeProvider.System, out var upstreamStream);

        Assert.IsType<ResponsesNativeOutbound>(outbound);
        Assert.True(outbound.AnswersInClientApi);
        Assert.Null(upstreamStream);
        Assert.Equal("http://127.0.0.1:1/v1/responses", req.RequestUri!.ToString());
        Assert.Equal(TestConfigs.BackendKey, req.Headers.Authorization!.Parameter);
        using var sent = JsonDocument.Parse(await req.Content!.ReadAsByteArrayAsync());
        var root = sent.RootElement;
        Assert.Equal("hi", root.GetProperty("input").GetString());
        Assert.Equal("Be brief", root.GetProperty("instructions").GetString());
        Assert.Equal(50, root.GetProperty("max_output_tokens").GetInt32());
        Assert.False(root.GetProperty("store").GetBoolean());
        Assert.False(root.TryGetProperty("messages", out _));
        // The client's request object itself is left as it came (the chat translation and the dialect echo read it).
        Assert.True(rc.Request.ClientBody!["store"]!.GetValue<bool>());
    }

    [Fact]
    public void ResponsesNative_BackendWithoutCapabilityOrChatCall_TranslatedToChat()
    {
        var translated = ResponsesContext("{\"model\":\"m-general\",\"input\":\"hi\"}", ownServesResponses: false);
        var chat = Context("{\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        chat.Snapshot.Config.Backends.Single(b => b.Name == "own-a").ServesResponses = true;

        Assert.IsType<OpenAIChatOutbound>(OutboundDialects.For(Cand(translated, "own-a"), translated.Request));
        Assert.IsType<OpenAIChatOutbound>(OutboundDialects.For(Cand(chat, "own-a"), chat.Request));
        Assert.False(OutboundDialects.For(Cand(translated, "own-a"), translated.Request).AnswersInClientApi);
        // A provider has no Responses capability: the External tier is always reached through chat (or Anthropic).
        Assert.IsType<AnthropicMessagesOutbound>(OutboundDialects.For(Cand(translated, "claude"), translated.Request));
    }
}

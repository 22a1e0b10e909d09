using System.Net;
using System.Text.Json;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Dialects;

/// <summary>
/// POST /v1/responses to a backend that serves the Responses API itself (BackendConfig.servesResponses, vLLM's own
/// endpoint: the VllmDouble follows vllm/entrypoints/openai/responses/api_router.py and serving_responses.py): the call
/// is forwarded as the client wrote it and the answer and events come back as the backend sent them, metered from the
/// Responses usage. A backend without the capability, or a fall-through to one, keeps the chat translation.
/// </summary>
public sealed class ResponsesNativeTests
{
    private static Task<CascadeFixture> StartAsync(bool ownServesResponses = true) => CascadeFixture.StartAsync(c =>
        c.Backends.Single(b => b.Name == "own-a").ServesResponses = ownServesResponses);

    private static HttpRequestMessage Create(string body) => RouterTestHost.Post("/v1/responses", TestConfigs.KeyA, body);

    [Fact]
    public async Task Create_BackendServesResponses_ForwardedAsWrittenAnswerUnchangedMeteredFromUsage()
    {
        await using var f = await StartAsync();
        f.Own.ServesResponses = true;
        var (resp, body) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"instructions\":\"Be brief\",\"input\":\"Hello there\",\"store\":true}"));

        Assert.True(resp.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("OwnGpu:own-a=ok", Header.Get(resp, "X-Daalu-Route"));
        var call = Assert.Single(f.Own.Calls);
        Assert.Equal("/v1/responses", call.Path);
        using var sent = JsonDocument.Parse(call.Body);
        Assert.Equal("Hello there", sent.RootElement.GetProperty("input").GetString());
        Assert.Equal("Be brief", sent.RootElement.GetProperty("instructions").GetString());
        Assert.False(sent.RootElement.GetProperty("store").GetBoolean());
        using var doc = JsonDocument.Parse(body);
        var r = doc.RootElement;
        // The backend's own response object (its id and its output), not one the router rebuilt from chat.
        Assert.Equal("response", r.GetProperty("object").GetString());
        Assert.Equal("completed", r.GetProperty("status").GetString());
        Assert.Equal("answer from own: tok0 tok1 tok2 tok3 tok4 ", r.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(0, r.GetProperty("usage").GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32());
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal(call.ReportedPromptTokens, record.TokensIn);
        Assert.Equal(r.GetProperty("usage").GetProperty("input_tokens").GetInt64(), record.TokensIn);
        Assert.Equal(5, record.TokensOut);
        Assert.False(record.Estimated);
    }

    [Fact]
    public async Task Create_StreamFromBackendThatServesResponses_EventsRelayedAsSentMeteredFromCompleted()
    {
        await using var f = await StartAsync();
        f.Own.ServesResponses = true;
        var (resp, body) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"Hello there\",\"stream\":true}"));

        Assert.True(resp.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("text/event-stream", resp.Content.Headers.ContentType?.MediaType);
        Assert.Equal("OwnGpu", Header.Get(resp, "X-Daalu-Tier"));
        Assert.Equal("/v1/responses", Assert.Single(f.Own.Calls).Path);
        var events = SseEvents.Parse(body);
        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
             "response.output_text.delta", "response.output_text.delta", "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
             "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"],
            events.Select(e => e.Event));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        // Identity: every frame is "event: TYPE\ndata: JSON" as vLLM wrote it, and no [DONE] is added.
        Assert.StartsWith("event: response.created\ndata: {", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        var usage = events[^1].Data.GetProperty("response").GetProperty("usage");
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal(usage.GetProperty("input_tokens").GetInt64(), record.TokensIn);
        Assert.Equal(5, record.TokensOut);
        Assert.False(record.Estimated);
        Assert.False(record.Partial);
    }

    [Fact]
    public async Task Create_ToolsToBackendThatServesResponses_FunctionCallItemAsTheBackendSentIt()
    {
        await using var f = await StartAsync();
        f.Own.ServesResponses = true;
        var (resp, body) = await f.Host.SendAsync(Create(
            "{\"model\":\"m-general\",\"input\":\"Weather in Paris?\",\"stream\":true,\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]}"));

        Assert.True(resp.StatusCode == HttpStatusCode.OK, body);
        var events = SseEvents.Parse(body);
        Assert.Contains(events, e => e.Event == "response.function_call_arguments.delta");
        var item = events[^1].Data.GetProperty("response").GetProperty("output")[0];
        Assert.Equal("function_call", item.GetProperty("type").GetString());
        Assert.Equal("{\"city\":\"Paris\"}", item.GetProperty("arguments").GetString());
        Assert.Single(f.Host.Meter.Records);
    }

    [Fact]
    public async Task Create_BackendWithoutCapability_TranslatedToChatEvenIfItHasTheEndpoint()
    {
        await using var f = await StartAsync(ownServesResponses: false);
        f.Own.ServesResponses = true;
        var (resp, body) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"Hello there\"}"));

        Assert.True(resp.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("/v1/chat/completions", Assert.Single(f.Own.Calls).Path);
        Assert.Equal("response", JsonDocument.Parse(body).RootElement.GetProperty("object").GetString());
    }

    [Fact]
    public async Task Create_NativeBackendFails_FallsThroughToHostedTranslatedToChat()
    {
        await using var f = await StartAsync();
        f.Own.ServesResponses = true;
        f.Own.Faults.Status = 503;
        f.Own.Faults.StatusCount = -1;
        var (resp, body) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"Hello\",\"stream\":true}"));

        Assert.True(resp.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("Hosted", Header.Get(resp, "X-Daalu-Tier"));
        Assert.StartsWith("OwnGpu:own-a=ServerError", Header.Get(resp, "X-Daalu-Route"), StringComparison.Ordinal);
        Assert.Equal("/v1/responses", Assert.Single(f.Own.Calls).Path);
        Assert.Equal("/v1/chat/completions", Assert.Single(f.Hosted.Calls).Path);
        Assert.Equal("response.completed", SseEvents.Parse(body)[^1].Event);
    }

    [Fact]
    public async Task Create_NativeBackendAnnouncesButNoFirstTokenInTime_FallsThroughWithNothingRelayed()
    {
        // vLLM sends response.created and response.in_progress before scheduling the prompt: they must not commit the
        // attempt, or a backend that never answers would hold the client instead of falling through.
        await using var f = await CascadeFixture.StartAsync(c =>
        {
            c.Backends.Single(b => b.Name == "own-a").ServesResponses = true;
            c.Policies[0].Timeouts.FirstByteMs = 300;
        });
        f.Own.ServesResponses = true;
        f.Own.Faults.DelayBeforeFirstByte = TimeSpan.FromSeconds(5);
        var (resp, body) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"Hello\",\"stream\":true}"));

        Assert.True(resp.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("Hosted", Header.Get(resp, "X-Daalu-Tier"));
        Assert.StartsWith("OwnGpu:own-a=Timeout", Header.Get(resp, "X-Daalu-Route"), StringComparison.Ordinal);
        var events = SseEvents.Parse(body);
        Assert.Single(events, e => e.Event == "response.created");
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        Assert.Equal("response.completed", events[^1].Event);
        Assert.Equal("/v1/chat/completions", Assert.Single(f.Hosted.Calls).Path);
    }

    [Fact]
    public async Task Create_NativeStreamBreaksMidway_InBandErrorEventAfterTheRelayedOnesAndPartialMeter()
    {
        await using var f = await StartAsync();
        f.Own.ServesResponses = true;
        f.Own.Faults.DropAfterChunks = 2;
        // A reset connection can discard bytes still unread in the socket; pace the events so the router has read them.
        f.Own.Faults.ChunkDelay = TimeSpan.FromMilliseconds(50);
        var (resp, body) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"Hello\",\"stream\":true}"));

        Assert.True(resp.StatusCode == HttpStatusCode.OK, body);
        var events = SseEvents.Parse(body);
        Assert.Equal("error", events[^1].Event);
        Assert.Equal(events[^2].Data.GetProperty("sequence_number").GetInt32() + 1, events[^1].Data.GetProperty("sequence_number").GetInt32());
        Assert.DoesNotContain(events, e => e.Event == "response.completed");
        Assert.True(Assert.Single(f.Host.Meter.Records).Partial);
    }

    private static async Task<List<(string Backend, string Api, bool Translated)>> ExplainAsync(CascadeFixture f, string query, string body)
    {
        var (resp, text) = await f.Host.SendAsync(RouterTestHost.Post("/v1/route/explain" + query, TestConfigs.KeyA, body));
        Assert.True(resp.StatusCode == HttpStatusCode.OK, text);
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("candidates").EnumerateArray()
            .Select(c => (c.GetProperty("backend").GetString()!, c.GetProperty("upstream_api").GetString()!, c.GetProperty("translated").GetBoolean()))
            .ToList();
    }

    [Fact]
    public async Task Explain_ResponsesBody_EachCandidateSaysItsUpstreamApiAndWhetherTranslated()
    {
        await using var f = await StartAsync();
        f.Own.ServesResponses = true;

        var responses = await ExplainAsync(f, "?api=responses", "{\"model\":\"m-general\",\"input\":\"Hello there\"}");
        var chat = await ExplainAsync(f, "", "{\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");

        // own-a serves the Responses API: the call goes as written; every other candidate gets it translated to chat.
        Assert.Contains(("own-a", "openai.responses", false), responses);
        Assert.All(responses.Where(c => c.Backend != "own-a"), c => Assert.True(c.Translated));
        Assert.Contains(("own-a", "openai", false), chat);
        Assert.Equal(responses.Select(c => c.Backend), chat.Select(c => c.Backend));
        Assert.Empty(f.Own.Calls);
    }

    [Fact]
    public async Task Explain_ResponsesBodyBackendWithoutTheCapability_TranslatedToChat()
    {
        await using var f = await StartAsync(ownServesResponses: false);

        var responses = await ExplainAsync(f, "?api=responses", "{\"model\":\"m-general\",\"input\":\"Hello there\"}");

        Assert.Contains(("own-a", "openai", true), responses);
    }

    [Fact]
    public async Task Explain_UnknownApi_400NamingTheChoices()
    {
        await using var f = await StartAsync();
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Post("/v1/route/explain?api=grpc", TestConfigs.KeyA, "{}"));

        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.Contains("api must be chat, responses or messages", body, StringComparison.Ordinal);
    }
}

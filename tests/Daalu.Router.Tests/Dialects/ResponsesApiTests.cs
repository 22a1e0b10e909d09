using System.Net;
using System.Text.Json;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Dialects;

/// <summary>
/// POST /v1/responses through the real router over the vLLM doubles. Expected shapes: openai npm SDK 7.55.0
/// resources/responses/responses.d.ts (Response, ResponseStreamEvent members, each with sequence_number).
/// </summary>
public sealed class ResponsesApiTests
{
    private const string Tools = ",\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";

    private static HttpRequestMessage Create(string body, string key = TestConfigs.KeyA, string? requestClass = null) =>
        RouterTestHost.Post("/v1/responses", key, body, requestClass);

    [Fact]
    public async Task Create_TextInput_ResponseObjectOnOwnGpuMeteredWithHeaders()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (resp, body) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"instructions\":\"Be brief\",\"input\":\"Hello there\",\"store\":true}"));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("OwnGpu", Header.Get(resp, "X-Daalu-Tier"));
        Assert.Equal("own-a", Header.Get(resp, "X-Daalu-Backend"));
        Assert.Equal("OwnGpu:own-a=ok", Header.Get(resp, "X-Daalu-Route"));
        using var doc = JsonDocument.Parse(body);
        var r = doc.RootElement;
        Assert.Equal("response", r.GetProperty("object").GetString());
        Assert.StartsWith("resp_", r.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("completed", r.GetProperty("status").GetString());
        Assert.False(r.GetProperty("store").GetBoolean());
        Assert.Equal("m-general", r.GetProperty("model").GetString());
        Assert.Equal("Be brief", r.GetProperty("instructions").GetString());
        var item = Assert.Single(r.GetProperty("output").EnumerateArray());
        Assert.Equal("message", item.GetProperty("type").GetString());
        Assert.Equal("assistant", item.GetProperty("role").GetString());
        var part = Assert.Single(item.GetProperty("content").EnumerateArray());
        Assert.Equal("output_text", part.GetProperty("type").GetString());
        Assert.StartsWith("answer from own", part.GetProperty("text").GetString(), StringComparison.Ordinal);

        // The backend saw a chat request with the instructions as its system message.
        var call = Assert.Single(f.Own.Calls);
        Assert.Equal("/v1/chat/completions", call.Path);
        using var sent = JsonDocument.Parse(call.Body);
        Assert.Equal("system", sent.RootElement.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal("Hello there", sent.RootElement.GetProperty("messages")[1].GetProperty("content").GetString());
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal(r.GetProperty("usage").GetProperty("input_tokens").GetInt64(), record.TokensIn);
        Assert.Equal(r.GetProperty("usage").GetProperty("output_tokens").GetInt64(), record.TokensOut);
        Assert.False(record.Estimated);
    }

    [Fact]
    public async Task Create_Streaming_EventsInOpenAIOrderWithSequenceNumbersAndUsage()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (resp, body) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"Hello there\",\"stream\":true}"));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("text/event-stream", resp.Content.Headers.ContentType?.MediaType);
        var events = SseEvents.Parse(body);
        var types = events.Select(e => e.Event).ToList();
        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
             "response.output_text.delta", "response.output_text.delta", "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
             "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"],
            types);
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        Assert.All(events, e => Assert.Equal(e.Event, e.Data.GetProperty("type").GetString()));
        Assert.Equal("tok0 tok1 tok2 tok3 tok4 ", events.Single(e => e.Event == "response.output_text.done").Data.GetProperty("text").GetString());
        var completed = events[^1].Data.GetProperty("response");
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal(5, completed.GetProperty("usage").GetProperty("output_tokens").GetInt64());
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal(5, record.TokensOut);
        Assert.False(record.Estimated);
    }

    [Fact]
    public async Task Create_FunctionTool_FunctionCallItemBothWays()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (resp, body) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"Weather in Paris?\"" + Tools + "}", requestClass: "agent"));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        using var doc = JsonDocument.Parse(body);
        var call = Assert.Single(doc.RootElement.GetProperty("output").EnumerateArray());
        Assert.Equal("function_call", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal("call_1", call.GetProperty("call_id").GetString());
        Assert.Equal("{\"city\":\"Paris\"}", call.GetProperty("arguments").GetString());
        using var sent = JsonDocument.Parse(Assert.Single(f.Own.Calls).Body);
        Assert.Equal("get_weather", sent.RootElement.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());

        var (_, streamed) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"Weather in Paris?\",\"stream\":true" + Tools + "}"));
        var events = SseEvents.Parse(streamed);
        Assert.Contains(events, e => e.Event == "response.output_item.added" && e.Data.GetProperty("item").GetProperty("type").GetString() == "function_call");
        var args = string.Concat(events.Where(e => e.Event == "response.function_call_arguments.delta").Select(e => e.Data.GetProperty("delta").GetString()));
        Assert.Equal("{\"city\":\"Paris\"}", args);
        Assert.Equal(args, events.Single(e => e.Event == "response.function_call_arguments.done").Data.GetProperty("arguments").GetString());
        Assert.Equal("response.completed", events[^1].Event);
    }

    [Fact]
    public async Task Create_FunctionCallOutputInInput_ToolMessagesUpstream()
    {
        await using var f = await CascadeFixture.StartAsync();
        var input = "[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"},{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"18C sunny\"}]";
        var (resp, _) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":" + input + "}"));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        using var sent = JsonDocument.Parse(Assert.Single(f.Own.Calls).Body);
        var messages = sent.RootElement.GetProperty("messages");
        Assert.Equal("call_1", messages[1].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("tool", messages[2].GetProperty("role").GetString());
        Assert.Equal("18C sunny", messages[2].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Create_PreviousResponseId_400ExplainsNothingIsStored()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (resp, body) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"and then?\",\"previous_response_id\":\"resp_123\"}"));

        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        using var doc = JsonDocument.Parse(body);
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("previous_response_id", error.GetProperty("param").GetString());
        Assert.Equal("previous_response_not_supported", error.GetProperty("code").GetString());
        Assert.Contains("does not store responses", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(f.Own.Calls);

        using var get = new HttpRequestMessage(HttpMethod.Get, "/v1/responses/resp_123");
        get.Headers.Authorization = new("Bearer", TestConfigs.KeyA);
        var (r2, b2) = await f.Host.SendAsync(get);
        Assert.Equal(HttpStatusCode.NotFound, r2.StatusCode);
        Assert.Contains("response_not_stored", b2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BuiltInToolOrBadKey_OpenAIShapedErrors()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (r1, b1) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}"));
        Assert.Equal(HttpStatusCode.BadRequest, r1.StatusCode);
        Assert.Contains("\"param\":\"tools[0].type\"", b1, StringComparison.Ordinal);

        var (r2, b2) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"hi\"}", key: "wrong-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, r2.StatusCode);
        Assert.Equal("invalid_api_key", JsonDocument.Parse(b2).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(f.Own.Calls);
    }

    [Fact]
    public async Task Create_OwnGpuDown_FallsThroughToHostedWithRoute()
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.Faults.Status = 503;
        f.Own.Faults.StatusCount = -1;
        var (resp, body) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"Hello\",\"stream\":true}"));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("Hosted", Header.Get(resp, "X-Daalu-Tier"));
        Assert.StartsWith("OwnGpu:own-a=ServerError", Header.Get(resp, "X-Daalu-Route"), StringComparison.Ordinal);
        Assert.Equal("response.completed", SseEvents.Parse(body)[^1].Event);
        Assert.Single(f.Host.Quota.Settled);
    }

    [Fact]
    public async Task Create_StreamBreaksMidway_ErrorAndResponseFailedNeverCompleted()
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.Faults.DropAfterChunks = 2;
        // A reset connection can discard bytes still unread in the socket; pace the chunks so the router has read them.
        f.Own.Faults.ChunkDelay = TimeSpan.FromMilliseconds(50);
        var (resp, body) = await f.Host.SendAsync(Create("{\"model\":\"m-general\",\"input\":\"Hello\",\"stream\":true}"));

        Assert.True(resp.StatusCode == HttpStatusCode.OK, body);
        var events = SseEvents.Parse(body);
        Assert.True(events[^2].Event == "error", body);
        Assert.Equal("response.failed", events[^1].Event);
        Assert.Equal("failed", events[^1].Data.GetProperty("response").GetProperty("status").GetString());
        Assert.DoesNotContain(events, e => e.Event == "response.completed");
        Assert.True(Assert.Single(f.Host.Meter.Records).Partial);
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using Daalu.Router.Forwarding;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

/// <summary>
/// Reading a Responses stream relayed as it came. Event payloads as vLLM writes them (pydantic field order: the type
/// last; vllm/entrypoints/openai/responses/api_router.py model_dump_json) and usage named as ResponseUsage
/// (openai npm SDK 7.55.0 resources/responses/responses.d.ts).
/// </summary>
public sealed class ResponsesStreamEventsTests
{
    private static ResponsesEvent Read(string json) => ResponsesStreamEvents.Read(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Read_CompletedWithUsageBeforeType_CompletedWithInputAndOutputTokens()
    {
        var ev = Read("{\"response\":{\"id\":\"resp_1\",\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"usage\"}]}],"
            + "\"usage\":{\"input_tokens\":12,\"input_tokens_details\":{\"cached_tokens\":4},\"output_tokens\":7,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":19}},"
            + "\"sequence_number\":13,\"type\":\"response.completed\"}");

        Assert.Equal(new ResponsesEvent(ResponsesEventKind.Completed, 12, 7, true, 13), ev);
    }

    [Fact]
    public void Read_IncompleteByMaxOutputTokens_CompletedKind()
    {
        var ev = Read("{\"type\":\"response.incomplete\",\"sequence_number\":5,\"response\":{\"status\":\"incomplete\",\"usage\":{\"input_tokens\":3,\"output_tokens\":16}}}");

        Assert.Equal(ResponsesEventKind.Completed, ev.Kind);
        Assert.Equal((3L, 16L, true), (ev.InputTokens, ev.OutputTokens, ev.HasUsage));
    }

    [Fact]
    public void Read_CompletedWithoutUsage_NoUsage()
    {
        var ev = Read("{\"type\":\"response.completed\",\"sequence_number\":2,\"response\":{\"usage\":null}}");

        Assert.Equal(ResponsesEventKind.Completed, ev.Kind);
        Assert.False(ev.HasUsage);
    }

    [Theory]
    [InlineData("{\"content_index\":0,\"delta\":\"tok \",\"item_id\":\"msg_1\",\"output_index\":0,\"sequence_number\":4,\"type\":\"response.output_text.delta\"}", ResponsesEventKind.Tokens)]
    [InlineData("{\"delta\":\"{\\\"city\\\"\",\"item_id\":\"fc_1\",\"output_index\":0,\"sequence_number\":4,\"type\":\"response.function_call_arguments.delta\"}", ResponsesEventKind.Tokens)]
    [InlineData("{\"content_index\":0,\"delta\":\"\",\"item_id\":\"msg_1\",\"output_index\":0,\"sequence_number\":4,\"type\":\"response.output_text.delta\"}", ResponsesEventKind.Other)]
    [InlineData("{\"response\":{\"status\":\"failed\",\"usage\":null},\"sequence_number\":9,\"type\":\"response.failed\"}", ResponsesEventKind.Failed)]
    [InlineData("{\"code\":\"server_error\",\"message\":\"boom\",\"param\":null,\"sequence_number\":9,\"type\":\"error\"}", ResponsesEventKind.Failed)]
    [InlineData("{\"response\":{\"status\":\"in_progress\",\"usage\":null},\"sequence_number\":0,\"type\":\"response.created\"}", ResponsesEventKind.Lifecycle)]
    [InlineData("{\"response\":{\"status\":\"in_progress\",\"usage\":null},\"sequence_number\":1,\"type\":\"response.in_progress\"}", ResponsesEventKind.Lifecycle)]
    [InlineData("{\"item\":{\"type\":\"message\",\"content\":[]},\"output_index\":0,\"sequence_number\":2,\"type\":\"response.output_item.added\"}", ResponsesEventKind.Other)]
    [InlineData("not json", ResponsesEventKind.Other)]
    public void Read_EventType_Kind(string json, ResponsesEventKind expected)
    {
        Assert.Equal(expected, Read(json).Kind);
    }

    [Fact]
    public void WriteError_AfterSequenceEight_ErrorEventNumberedNine()
    {
        var buffer = new ArrayBufferWriter<byte>();

        ResponsesStreamEvents.WriteError(buffer, "OwnGpu own-a: upstream stream broke; the answer is incomplete", 9);

        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.StartsWith("event: error\ndata: ", text, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(text["event: error\ndata: ".Length..^2]);
        Assert.Equal("error", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal("server_error", doc.RootElement.GetProperty("code").GetString());
        Assert.Equal(9, doc.RootElement.GetProperty("sequence_number").GetInt32());
    }

    [Fact]
    public void UsageScanner_ResponsesUsageNames_ReadAsPromptAndCompletion()
    {
        var json = Encoding.UTF8.GetBytes("{\"object\":\"response\",\"usage\":{\"input_tokens\":21,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":5,\"total_tokens\":26}}");

        Assert.True(UsageScanner.TryScan(json, out var prompt, out var completion, out var hasUsage, out _));

        Assert.Equal((21L, 5L, true), (prompt, completion, hasUsage));
    }
}

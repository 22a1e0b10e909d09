using System.Text.Json.Nodes;
using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;

namespace Daalu.Router.Protocols.Tests.Classification;

// Request shapes follow the OpenAI API reference (chat/create, completions, embeddings, responses) and Anthropic's
// Messages reference (system, content blocks text / tool_use / tool_result).
public class RequestTextReaderTests
{
    private static RequestText Read(string json) => RequestTextReader.Read(JsonNode.Parse(json)!.AsObject());

    [Fact]
    public void Read_ChatWithPartsToolCallsAndToolMessages_CollectsEveryText()
    {
        var text = Read("""
            {"model":"m","messages":[
              {"role":"system","content":"be brief"},
              {"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"b"}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"1","type":"function","function":{"name":"write","arguments":"{\"path\":\"x.py\"}"}}]},
              {"role":"tool","tool_call_id":"1","content":"ok"},
              {"role":"user","content":"last"}]}
            """);

        Assert.Equal(["system:be brief", "user:a", "user:b", "tool_call:{\"path\":\"x.py\"}", "tool:ok", "user:last"], text.Segments.Select(s => $"{s.Role}:{s.Text}"));
        Assert.True(text.HasImages);
        Assert.Equal("last", text.LastUserText);
        Assert.Equal("a\nb", text.PreviousUserText);
    }

    [Fact]
    public void Read_AnthropicShape_ReadsSystemToolResultAndToolUse()
    {
        var text = Read("""
            {"model":"m","system":[{"type":"text","text":"sys"}],"messages":[
              {"role":"assistant","content":[{"type":"tool_use","id":"t","name":"edit","input":{"file":"a.go","body":{"text":"package main"}}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"done"}]},{"type":"text","text":"next?"}]}]}
            """);

        Assert.Equal(["system:sys", "tool_call:a.go", "tool_call:package main", "tool:done", "user:next?"], text.Segments.Select(s => $"{s.Role}:{s.Text}"));
    }

    [Fact]
    public void Read_CompletionsPromptArrayAndEmbeddingsInput_AreTexts()
    {
        Assert.Equal(["p1", "p2"], Read("""{"model":"m","prompt":["p1","p2"]}""").Segments.Select(s => s.Text));
        Assert.Equal("one", Read("""{"model":"m","prompt":"one"}""").LastUserText);
        Assert.Equal(["e1", "e2"], Read("""{"model":"m","input":["e1","e2"]}""").Segments.Select(s => s.Text));
    }

    [Fact]
    public void Read_ResponsesInputItems_ReadsInstructionsAndFunctionOutput()
    {
        var text = Read("""{"model":"m","instructions":"i","input":[{"role":"user","content":[{"type":"input_text","text":"q"}]},{"type":"function_call_output","call_id":"c","output":"r"}]}""");

        Assert.Equal(["system:i", "user:q", "tool:r"], text.Segments.Select(s => $"{s.Role}:{s.Text}"));
    }

    [Fact]
    public void Read_UnexpectedShapes_AreSkipped()
    {
        var text = Read("""{"model":"m","messages":[1,"x",{"role":"user","content":42},{"role":"user","content":[null,7,{"type":"text","text":5}]}],"prompt":[[1,2]]}""");

        Assert.Empty(text.Segments);
        Assert.Equal(string.Empty, text.LastUserText);
    }

    [Fact]
    public void Detect_CodeInAnEarlierTurn_KeepsTheConversationCoding()
    {
        var text = Read("""
            {"model":"m","messages":[
              {"role":"user","content":"```rust\nfn main() {}\n```"},
              {"role":"assistant","content":"Looks fine."},
              {"role":"user","content":"thanks! what's the weather like in Oslo?"}]}
            """);

        var found = RequestCodeDetector.Detect(text);

        Assert.Equal(new CodeDetectionResult(CodeSignal.Fence, "user", 0), found);
    }

    [Fact]
    public void Detect_CodeOnlyInToolResult_IsFound()
    {
        var text = Read("""
            {"model":"m","messages":[
              {"role":"user","content":"summarise the file"},
              {"role":"tool","tool_call_id":"1","content":"import os\nprint(os.getcwd())\nos.chdir('/tmp')"}]}
            """);

        Assert.Equal(new CodeDetectionResult(CodeSignal.Source, "tool", 1), RequestCodeDetector.Detect(text));
    }

    [Fact]
    public void Detect_CodeOnlyInSystemPrompt_IsFound()
    {
        var text = Read("""{"model":"m","system":"Use this helper:\ndef add(a, b):\n    return a + b","messages":[{"role":"user","content":"hello"}]}""");

        Assert.Equal(new CodeDetectionResult(CodeSignal.Source, "system", -1), RequestCodeDetector.Detect(text));
    }

    [Fact]
    public void Detect_ProseConversation_IsNone()
    {
        var text = Read("""{"model":"m","messages":[{"role":"system","content":"You are a travel agent."},{"role":"user","content":"Plan three days in Rome."}]}""");

        Assert.Equal(CodeDetectionResult.None, RequestCodeDetector.Detect(text));
    }
}

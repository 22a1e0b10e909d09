using System.Text.Json.Nodes;
using Daalu.Router.Translation;

namespace Daalu.Router.Protocols.Tests.Translation;

public class AnthropicRequestTranslatorTests
{
    private static JsonObject Translate(string openAiJson, int defaultMaxTokens = 1024) =>
        AnthropicRequestTranslator.ToAnthropic(JsonNode.Parse(openAiJson)!.AsObject(), "claude-sonnet-4-5", defaultMaxTokens);

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual?.ToJsonString()}");

    [Fact]
    public void ToAnthropic_SystemAndText_SystemMovesToTopLevelAndModelIsReplaced()
    {
        var result = Translate("""
            {"model":"auto","messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":"Hi"}]}
            """);

        AssertJson("""
            {"model":"claude-sonnet-4-5","system":"Be brief.",
             "messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],
             "max_tokens":1024}
            """, result);
    }

    [Fact]
    public void ToAnthropic_SeveralSystemAndDeveloperMessages_BecomeSystemTextBlocksInOrder()
    {
        var result = Translate("""
            {"messages":[
              {"role":"system","content":"One."},
              {"role":"user","content":"Hi"},
              {"role":"developer","content":[{"type":"text","text":"Two."}]}]}
            """);

        AssertJson("""[{"type":"text","text":"One."},{"type":"text","text":"Two."}]""", result["system"]);
        Assert.Single(result["messages"]!.AsArray());
    }

    [Fact]
    public void ToAnthropic_SamplingFields_AreMapped()
    {
        var result = Translate("""
            {"messages":[{"role":"user","content":"Hi"}],
             "max_completion_tokens":77,"max_tokens":5,"temperature":0.3,"top_p":0.9,
             "stop":["END","STOP"],"stream":true,"stream_options":{"include_usage":true},
             "user":"user-42","presence_penalty":0,"seed":7}
            """);

        Assert.Equal(77, (int)result["max_tokens"]!);
        Assert.Equal(0.3, (double)result["temperature"]!);
        Assert.Equal(0.9, (double)result["top_p"]!);
        AssertJson("""["END","STOP"]""", result["stop_sequences"]);
        Assert.True((bool)result["stream"]!);
        AssertJson("""{"user_id":"user-42"}""", result["metadata"]);
        Assert.Null(result["stream_options"]);
        Assert.Null(result["seed"]);
        Assert.Null(result["presence_penalty"]);
    }

    [Fact]
    public void ToAnthropic_StopAsString_BecomesOneStopSequence()
    {
        var result = Translate("""{"messages":[{"role":"user","content":"Hi"}],"stop":"\n\n","max_tokens":9}""");

        AssertJson("""["\n\n"]""", result["stop_sequences"]);
        Assert.Equal(9, (int)result["max_tokens"]!);
    }

    [Fact]
    public void ToAnthropic_TemperatureAboveAnthropicRange_IsClampedToOne()
    {
        var result = Translate("""{"messages":[{"role":"user","content":"Hi"}],"temperature":1.7}""");

        Assert.Equal(1.0, (double)result["temperature"]!);
    }

    [Fact]
    public void ToAnthropic_Images_DataUrlBecomesBase64SourceAndHttpUrlBecomesUrlSource()
    {
        var result = Translate("""
            {"messages":[{"role":"user","content":[
              {"type":"text","text":"What is in these?"},
              {"type":"image_url","image_url":{"url":"data:image/PNG;base64,iVBORw0KGgo=","detail":"high"}},
              {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}
            """);

        AssertJson("""
            [{"role":"user","content":[
              {"type":"text","text":"What is in these?"},
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
              {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]}]
            """, result["messages"]);
    }

    [Theory]
    [InlineData("data:image/bmp;base64,Qk0=", "image/bmp")]
    [InlineData("data:image/png,rawbytes", "base64")]
    [InlineData("ftp://example.com/a.png", "http(s)")]
    public void ToAnthropic_UnsupportedImage_ThrowsWithReason(string url, string expectedInMessage)
    {
        var ex = Assert.Throws<TranslationException>(() => Translate(
            $$$"""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{url}}}"}}]}]}"""));

        Assert.Contains(expectedInMessage, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToAnthropic_ToolConversation_ToolCallsBecomeToolUseAndToolMessagesMergeIntoOneUserTurn()
    {
        var result = Translate("""
            {"messages":[
              {"role":"user","content":"Weather in Paris and Rome?"},
              {"role":"assistant","content":"Checking.","tool_calls":[
                {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"18C"},
              {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"21C"}]},
              {"role":"user","content":"Thanks, which is warmer?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather by city",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
             "tool_choice":"auto"}
            """);

        AssertJson("""
            [{"role":"user","content":[{"type":"text","text":"Weather in Paris and Rome?"}]},
             {"role":"assistant","content":[
               {"type":"text","text":"Checking."},
               {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}},
               {"type":"tool_use","id":"call_2","name":"get_weather","input":{"city":"Rome"}}]},
             {"role":"user","content":[
               {"type":"tool_result","tool_use_id":"call_1","content":"18C"},
               {"type":"tool_result","tool_use_id":"call_2","content":"21C"},
               {"type":"text","text":"Thanks, which is warmer?"}]}]
            """, result["messages"]);
        AssertJson("""
            [{"name":"get_weather","description":"Weather by city",
              "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]
            """, result["tools"]);
        AssertJson("""{"type":"auto"}""", result["tool_choice"]);
    }

    [Fact]
    public void ToAnthropic_ConsecutiveUserMessages_MergeIntoOneTurn()
    {
        var result = Translate("""
            {"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"},
                         {"role":"assistant","content":"c"},{"role":"assistant","content":"d"},{"role":"user","content":"e"}]}
            """);

        var messages = result["messages"]!.AsArray();
        Assert.Equal(3, messages.Count);
        AssertJson("""[{"type":"text","text":"a"},{"type":"text","text":"b"}]""", messages[0]!["content"]);
        AssertJson("""[{"type":"text","text":"c"},{"type":"text","text":"d"}]""", messages[1]!["content"]);
    }

    [Fact]
    public void ToAnthropic_AssistantToolCallWithNullContentAndEmptyArguments_GivesOnlyToolUseWithEmptyInput()
    {
        var result = Translate("""
            {"messages":[{"role":"user","content":"Time?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"now","arguments":""}}]},
              {"role":"tool","tool_call_id":"c1","content":"12:00"}],
             "tools":[{"type":"function","function":{"name":"now"}}]}
            """);

        AssertJson("""[{"type":"tool_use","id":"c1","name":"now","input":{}}]""", result["messages"]![1]!["content"]);
        AssertJson("""[{"name":"now","input_schema":{"type":"object","properties":{}}}]""", result["tools"]);
    }

    [Theory]
    [InlineData("\"auto\"", """{"type":"auto"}""")]
    [InlineData("\"none\"", """{"type":"none"}""")]
    [InlineData("\"required\"", """{"type":"any"}""")]
    [InlineData("""{"type":"function","function":{"name":"lookup"}}""", """{"type":"tool","name":"lookup"}""")]
    public void ToAnthropic_ToolChoice_IsMapped(string openAiChoice, string expected)
    {
        var result = Translate($$$"""
            {"messages":[{"role":"user","content":"x"}],"tool_choice":{{{openAiChoice}}},
             "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"} } }]}
            """);

        AssertJson(expected, result["tool_choice"]);
    }

    [Fact]
    public void ToAnthropic_ParallelToolCallsFalse_DisablesParallelToolUse()
    {
        var result = Translate("""
            {"messages":[{"role":"user","content":"x"}],"parallel_tool_calls":false,
             "tools":[{"type":"function","function":{"name":"lookup"}}]}
            """);

        AssertJson("""{"type":"auto","disable_parallel_tool_use":true}""", result["tool_choice"]);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"n":2}""", "n > 1")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"logprobs":true}""", "logprobs")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAA=","format":"wav"}}]}]}""", "audio")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"modalities":["text","audio"]}""", "audio")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}""", "response_format")]
    [InlineData("""{"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{not json"}}]}]}""", "not valid JSON")]
    [InlineData("""{"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1,2]"}}]}]}""", "JSON object")]
    [InlineData("""{"messages":[{"role":"system","content":"only system"}]}""", "at least one user")]
    [InlineData("""{"messages":[]}""", "non-empty")]
    [InlineData("""{"messages":[{"role":"wizard","content":"x"}]}""", "role")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"code_interpreter"}]}""", "function tools")]
    [InlineData("""{"messages":[{"role":"user","content":""}]}""", "no content")]
    public void ToAnthropic_Inexpressible_ThrowsClearTranslationException(string openAiJson, string expectedInMessage)
    {
        var ex = Assert.Throws<TranslationException>(() => Translate(openAiJson));

        Assert.Contains(expectedInMessage, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToAnthropic_InputIsNotModified()
    {
        const string Json = """
            {"messages":[{"role":"user","content":"x"}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}
            """;
        var input = JsonNode.Parse(Json)!.AsObject();

        AnthropicRequestTranslator.ToAnthropic(input, "m", 10);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Json), input));
    }
}

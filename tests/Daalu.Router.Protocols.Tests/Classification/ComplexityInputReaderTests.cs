using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Router.Classification;
using Daalu.Router.Protocols.Tests.Classification.Reference;

namespace Daalu.Router.Protocols.Tests.Classification;

/// <summary>
/// Named cases of the readers; each body is also read by the old reader (the reference copy) and checked against it.
/// </summary>
public class ComplexityInputReaderTests
{
    [Fact]
    public void FromChatRequest_ContentBeforeRole_ReadsLastUserText()
    {
        var input = Read("""
            {"messages":[{"content":"first","role":"user"},{"content":"reply","role":"assistant"},{"content":"second","role":"user"},{"content":"tail","role":"system"}]}
            """);

        Assert.Equal(new ComplexityInput("second", 5 + 5 + 6 + 4, 4, false, false), input);
    }

    [Fact]
    public void FromChatRequest_EscapesAndSurrogatePairs_CountsUtf16UnitsLikeString()
    {
        // \uD83D\uDE00 and the raw 😀 are two UTF-16 units each; é escaped or raw is one.
        var input = Read("""
            {"messages":[{"role":"system","content":"x\\y\"z\/\n\t\u00e9é\uD83D\uDE00😀中\u0000"},{"role":"user","content":"a\nb\u00E9\ud83d\ude00"}]}
            """);

        Assert.Equal("a\nbé😀", input.LastUserText);
        Assert.Equal("x\\y\"z/\n\téé😀😀中\0".Length + input.LastUserText.Length, input.TotalTextLength);
    }

    [Fact]
    public void FromChatRequest_EmptyTextParts_JoinedLikeDomReader()
    {
        // The DOM reader adds '\n' only once its builder holds something: leading empty parts add nothing.
        var input = Read("""
            {"messages":[{"role":"user","content":[{"type":"text","text":""},{"type":"text","text":"a"},{"type":"text","text":""},{"type":"image_url","image_url":{"url":"u"}},{"text":"b\u00e9","type":"text"}]}]}
            """);

        Assert.Equal(new ComplexityInput("a\n\nbé", 5, 1, false, true), input);
    }

    [Fact]
    public void FromChatRequest_OddShapes_CountedWithoutThrowing()
    {
        var input = Read("""
            {"messages":[1,null,"x",[],{},
              {"role":"user","content":5},
              {"role":"user","content":{"text":"not parts"}},
              {"role":["user"],"content":"role is not a string"},
              {"content":[{"text":"no type"},{"type":"text","text":7},{"type":"text"},{"type":7,"text":"t"},{"type":"image_url"},3,null]}]}
            """);

        Assert.Equal(new ComplexityInput(string.Empty, "role is not a string".Length, 9, false, true), input);
    }

    [Theory]
    [InlineData("""{"messages":{"role":"user","content":"hi"}}""")]
    [InlineData("""{"messages":"hi"}""")]
    [InlineData("""{"messages":null}""")]
    [InlineData("""{"Messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"metadata":{"messages":[{"role":"user","content":"hi"}],"tools":[{}]},"response_format":{"type":"text","text":"hi"}}""")]
    public void FromChatRequest_NoTopLevelMessagesArray_NoMessages(string json)
    {
        Assert.Equal(new ComplexityInput(string.Empty, 0, 0, false, false), Read(json));
    }

    [Theory]
    [InlineData("""{"tools":[]}""", false)]
    [InlineData("""{"tools":{}}""", false)]
    [InlineData("""{"tools":null}""", false)]
    [InlineData("""{"tools":"f"}""", false)]
    [InlineData("""{"tools":[null]}""", true)]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"messages":{"type":"array"}}}}}],"messages":[]}""", true)]
    public void FromChatRequest_ToolsShapes_HasToolsOnlyForNonEmptyArray(string json, bool hasTools)
    {
        Assert.Equal(hasTools, Read(json).HasTools);
    }

    [Fact]
    public void FromChatRequest_EscapedPropertyNamesAndValues_Matched()
    {
        var input = Read("""
            {"\u006dessages":[{"r\u006fle":"\u0075ser","c\u006Fntent":[{"\u0074ype":"\u0074ext","te\u0078t":"hi"},{"type":"image\u005furl"}]}],"tool\u0073":[{}]}
            """);

        Assert.Equal(new ComplexityInput("hi", 2, 1, true, true), input);
    }

    [Fact]
    public void FromChatRequest_NestedDeeperThanDefaultMaxDepth_Read()
    {
        // RequestParser's depth limit is configurable; the reader must not reject what it let through.
        var deep = new string('[', 100) + new string(']', 100);
        var input = Read($$"""{"metadata":{{deep}},"messages":[{"role":"user","content":"q","extra":{{deep}}}]}""");

        Assert.Equal(new ComplexityInput("q", 1, 1, false, false), input);
    }

    [Theory]
    [InlineData("""{"messages":[],"messages":[]}""")]
    [InlineData("""{"messages":[{"role":"user","content":"a","content":"b"}]}""")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"text","text":"a","type":"text"}]}]}""")]
    public void DomFromChatRequest_RepeatedPropertyName_ThrowsArgumentException(string json)
    {
        // JsonNode.Parse accepts the repeat by default, but the JsonObject throws when its properties are first looked up;
        // RequestParser refuses such bodies, so the reader never sees one in the router.
        var request = JsonNode.Parse(json)!.AsObject();

        Assert.Throws<ArgumentException>(() => ComplexityInputReader.FromChatRequest(request));
    }

    [Fact]
    public void FromChatRequest_DomBuiltInCode_SameAsReference()
    {
        // Values built in code hold strings, not JsonElements, so the raw-byte measuring cannot apply.
        var request = new JsonObject
        {
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = "sys é😀" },
                new JsonObject { ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "a" }, new JsonObject { ["type"] = "text", ["text"] = 3 }, new JsonObject { ["type"] = "image_url" }) },
                new JsonObject { ["role"] = "user", ["content"] = 5 },
                new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "" }, new JsonObject { ["type"] = "text", ["text"] = "b" }, new JsonObject { ["type"] = "text", ["text"] = "cd" }) },
                new JsonObject { ["role"] = "user", ["content"] = "last" }),
            ["tools"] = new JsonArray(new JsonObject()),
        };

        var input = ComplexityInputReader.FromChatRequest(request);

        Assert.Equal(ReferenceComplexityInputReader.FromChatRequest(request), input);
        Assert.Equal(new ComplexityInput("last", 7 + 1 + 0 + 4 + 4, 5, true, true), input);
    }

    [Fact]
    public void FromChatRequest_LongEscapedPrompt_SameAsReference()
    {
        var code = string.Concat(Enumerable.Repeat("public static int Add(int a, int b) => a + b; // \\\"keep\\\" é😀\\n", 200));
        var input = Read($$"""{"model":"auto","messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"Refactor:"},{"type":"text","text":"{{code}}"}]}]}""");

        Assert.StartsWith("Refactor:\npublic static int Add", input.LastUserText, StringComparison.Ordinal);
        Assert.Equal(8 + input.LastUserText.Length, input.TotalTextLength);
    }

    private static ComplexityInput Read(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var expected = ReferenceComplexityInputReader.FromChatRequest(JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 256 })!.AsObject());

        var actual = ComplexityInputReader.FromChatRequest(JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 256 })!.AsObject());

        Assert.Equal(expected, actual);
        return actual;
    }
}

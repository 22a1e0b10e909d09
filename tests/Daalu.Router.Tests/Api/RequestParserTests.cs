using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Daalu.Router.Api;
using Daalu.Router.Planning;
using Xunit;

namespace Daalu.Router.Tests.Api;

// The prompt-token estimate (what the quota reserves before the call) counts the text's UTF-16 characters, read from
// the body's raw bytes: escapes count once, multi-byte UTF-8 counts per char.
public class RequestParserTests
{
    [Fact]
    public void Parse_EscapedText_CountsEachEscapeAsOneChar()
    {
        // 400 escaped é: 2,400 raw bytes but 400 characters.
        var text = string.Concat(Enumerable.Repeat("\\u00e9", 400));
        var (request, error) = Parse(RequestFeatures.Chat, $"{{\"model\":\"m\",\"messages\":[{{\"role\":\"user\",\"content\":\"{text}\"}}]}}");

        Assert.Null(error);
        Assert.Equal(100, request!.PromptTokenEstimate);
    }

    [Fact]
    public void Parse_PartsCompletionsAndEmbeddings_CountEveryText()
    {
        var chat = Parse(RequestFeatures.Chat, """
            {"model":"m","messages":[{"role":"system","content":"😀😀😀😀"},
              {"role":"user","content":[{"type":"text","text":"\"abc\"\n\t"},{"type":"image_url","image_url":{"url":"x"}}]}]}
            """).Request!;
        var completions = Parse(RequestFeatures.Completions, """{"model":"m","prompt":["ééééééé",[1,2],"\\x"]}""").Request!;
        var embeddings = Parse(RequestFeatures.Embeddings, """{"model":"m","input":["abcd","\u00e9\u00e9\u00e9\u00e9"]}""").Request!;

        Assert.Equal(3, chat.PromptTokenEstimate); // 8 (4 surrogate pairs) + 7 ("abc" in quotes, \n, \t) = 15 / 4
        Assert.True(chat.Features.HasImages);
        Assert.Equal(3, completions.PromptTokenEstimate); // 7 + 4 for the token array + 2 = 13 / 4
        Assert.Equal(2, embeddings.PromptTokenEstimate); // 4 + 4 = 8 / 4
    }

    [Fact]
    public void Parse_AnyMessageTexts_EstimateMatchesTheDecodedStrings()
    {
        var texts = Gen.String[Gen.Char.AlphaNumeric, 0, 40]
            .SelectMany(s => Gen.Int[0, 3].Select(k => s + new[] { "", "é", "😀", "\"\\/", "\n\u0001" }[k]))
            .Array[1, 6];
        texts.Sample(ts =>
        {
            var messages = new JsonArray(ts.Select(t => (JsonNode)new JsonObject { ["role"] = "user", ["content"] = t }).ToArray());
            // The serializer escapes non-ASCII as \uXXXX, so the bodies mix escapes and raw multi-byte UTF-8 below.
            var body = new JsonObject { ["model"] = "m", ["messages"] = messages }.ToJsonString();
            var raw = body.Replace("\\u00E9", "é", StringComparison.Ordinal);
            var expected = Math.Max(1, ts.Sum(t => (long)t.Length) / 4);

            Assert.Equal(expected, Parse(RequestFeatures.Chat, body).Request!.PromptTokenEstimate);
            Assert.Equal(expected, Parse(RequestFeatures.Chat, raw).Request!.PromptTokenEstimate);
        }, iter: 2_000);
    }

    private static (ParsedRequest? Request, RequestError? Error) Parse(string endpoint, string body) =>
        RequestParser.Parse(Encoding.UTF8.GetBytes(body), endpoint, maxDepth: 64);
}

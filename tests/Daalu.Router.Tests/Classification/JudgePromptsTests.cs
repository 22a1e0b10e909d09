using System.Text;
using System.Text.Json.Nodes;
using Daalu.Router.Classification.Judging;
using Xunit;

namespace Daalu.Router.Tests.Classification;

public class JudgePromptsTests
{
    private static byte[] Completion(string contentJson) =>
        Encoding.UTF8.GetBytes("{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + contentJson + "},\"finish_reason\":\"length\"}]}");

    [Fact]
    public void Difficulty_LongPrompt_OneTokenTemperatureZeroAndTruncatedTo500Chars()
    {
        var prompt = new string('a', 2000);
        var body = JsonNode.Parse(JudgePrompts.Difficulty("judge-small", prompt))!;

        Assert.Equal("judge-small", body["model"]!.GetValue<string>());
        Assert.Equal(1, body["max_tokens"]!.GetValue<int>());
        Assert.Equal(0, body["temperature"]!.GetValue<int>());
        Assert.False(body["stream"]!.GetValue<bool>());
        var messages = body["messages"]!.AsArray();
        Assert.Equal("system", messages[0]!["role"]!.GetValue<string>());
        Assert.Contains("one digit", messages[0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(JudgePrompts.PromptChars, messages[1]!["content"]!.GetValue<string>().Length);
    }

    [Fact]
    public void Truncate_SurrogatePairAtTheCut_NotSplit()
    {
        var text = new string('a', 499) + "\U0001F600" + "tail";

        var cut = JudgePrompts.Truncate(text, 500);

        Assert.Equal(499, cut.Length);
        Assert.False(char.IsHighSurrogate(cut[^1]));
    }

    [Fact]
    public void Quality_PromptAndAnswer_BothTruncatedAndLabelled()
    {
        var body = JsonNode.Parse(JudgePrompts.Quality("j", new string('p', 900), new string('r', 5000)))!;
        var user = body["messages"]![1]!["content"]!.GetValue<string>();

        Assert.StartsWith("Request:\n" + new string('p', 500) + "\n\nAnswer:\n", user, StringComparison.Ordinal);
        Assert.EndsWith(new string('r', JudgePrompts.AnswerChars), user, StringComparison.Ordinal);
        Assert.Equal(1, body["max_tokens"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("\"2\"", 3, 2)]
    [InlineData("\" 3\\n\"", 3, 3)]
    [InlineData("\"1\"", 3, 1)]
    [InlineData("\"5\"", 5, 5)]
    public void ParseDigit_OneDigitInRange_Parsed(string content, int max, int expected) =>
        Assert.Equal(expected, JudgePrompts.ParseDigit(Completion(content), max));

    [Theory]
    [InlineData("\"4\"", 3)]
    [InlineData("\"0\"", 3)]
    [InlineData("\"12\"", 3)]
    [InlineData("\"two\"", 3)]
    [InlineData("\"\"", 3)]
    [InlineData("null", 3)]
    [InlineData("3", 3)]
    [InlineData("\"6\"", 5)]
    public void ParseDigit_AnythingElse_Null(string content, int max) =>
        Assert.Null(JudgePrompts.ParseDigit(Completion(content), max));

    [Theory]
    [InlineData("{\"choices\":[]}")]
    [InlineData("{\"error\":{\"message\":\"x\"}}")]
    [InlineData("{\"choices\":[{\"text\":\"2\"}]}")]
    [InlineData("not json")]
    [InlineData("")]
    public void ParseDigit_BrokenBody_Null(string body) =>
        Assert.Null(JudgePrompts.ParseDigit(Encoding.UTF8.GetBytes(body), 3));
}

using System.Text.Json.Nodes;
using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;
using Xunit;

namespace Daalu.Router.Protocols.Tests.Classification;

public sealed class RequestClassifierTests
{
    private static readonly DifficultyClassifier Difficulty = new(DifficultyModel.Shipped, TimeProvider.System);
    private static readonly RequestClassifier Classifier = new(Difficulty, TimeProvider.System);

    private static RequestText Read(params JsonObject[] messages) =>
        RequestTextReader.Read(new JsonObject { ["model"] = "auto", ["messages"] = new JsonArray([.. messages]) });

    private static JsonObject Msg(string role, string text) => new() { ["role"] = role, ["content"] = text };

    private static JsonObject Parts(string role, params string[] texts) => new()
    {
        ["role"] = role,
        ["content"] = new JsonArray([.. texts.Select(t => (JsonNode)new JsonObject { ["type"] = "text", ["text"] = t })]),
    };

    public static TheoryData<string> Conversations() => new() { "plain", "code-earlier", "code-last", "parts-last", "parts-code-across", "system-only" };

    private static RequestText Conversation(string name) => name switch
    {
        "plain" => Read(Msg("system", "You are helpful."), Msg("user", "What is the capital of Peru?")),
        "code-earlier" => Read(Msg("user", "def f(x):\n    return x * 2\n\nprint(f(3))"), Msg("assistant", "It prints 6."), Msg("user", "Thanks, and why?")),
        "code-last" => Read(Msg("user", "Hi"), Msg("assistant", "Hello"), Msg("user", "SELECT name FROM users WHERE id = 4;\nWhy is this slow?")),
        "parts-last" => Read(Parts("user", "Summarise the incident timeline, ", "please, in five bullet points.")),
        "parts-code-across" => Read(Parts("user", "for (int i = 0; i < n; i++) {", "    sum += a[i];", "}")),
        _ => Read(Msg("system", "Only a system prompt.")),
    };

    // The classifier skips the last turn's second scan when the scan of every text already covered it: the rating must be
    // the one the difficulty stages give with the last turn scanned on its own, for every code detection mode.
    [Theory]
    [MemberData(nameof(Conversations))]
    public void Classify_AnyConversationAndMode_SameRatingAsScanningTheLastTurnAlone(string conversation)
    {
        var text = Conversation(conversation);
        var expected = Difficulty.Rate(text, CodeDetector.Detect(text.LastUserText));
        foreach (var mode in new[] { CodeDetectionMode.Enforce, CodeDetectionMode.Report, CodeDetectionMode.Off })
        {
            var actual = Classifier.Classify(text, mode, rateDifficulty: true).Difficulty!;
            Assert.Equal(expected.Rating, actual.Rating);
            Assert.Equal(expected.DecidedBy, actual.DecidedBy);
            Assert.Equal(expected.Stages.Select(s => (s.Stage, s.Rating, s.Confidence)), actual.Stages.Select(s => (s.Stage, s.Rating, s.Confidence)));
        }
    }

    [Fact]
    public void Classify_RateDifficultyFalse_NoRatingCodeStillDetected()
    {
        var result = Classifier.Classify(Conversation("code-last"), CodeDetectionMode.Enforce, rateDifficulty: false);
        Assert.Null(result.Difficulty);
        Assert.True(result.Code.IsCode);
    }
}

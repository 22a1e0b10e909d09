using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;

namespace Daalu.Router.Protocols.Tests.Classification;

public class DifficultyClassifierTests
{
    private static readonly DifficultyClassifier Classifier = new(DifficultyModel.Shipped, TimeProvider.System);

    private static RequestText Chat(params (string Role, string Text)[] turns)
    {
        var messages = new JsonArray();
        foreach (var (role, text) in turns)
        {
            messages.Add(new JsonObject { ["role"] = role, ["content"] = text });
        }

        return RequestTextReader.Read(new JsonObject { ["model"] = "auto", ["messages"] = messages });
    }

    private static DifficultyDecision Rate(RequestText text) => Classifier.Rate(text, CodeDetector.Detect(text.LastUserText));

    [Theory]
    [InlineData("What is the capital of Peru?", 1)]
    [InlineData("who discovered radium", 1)]
    [InlineData("Write a C++ program that reads a file and counts word frequencies.", 3)]
    [InlineData("Please implement a bounded blocking queue in Java.", 3)]
    [InlineData("A shop sells 3 apples for 2 euros. How much do 12 apples cost?", 3)]
    [InlineData("Traceback (most recent call last):\n  File \"a.py\", line 2, in <module>\nNameError: name 'x' is not defined", 2)]
    [InlineData("Summarise this: the board approved the budget and postponed the hiring plan.", 2)]
    [InlineData("How do I ask my landlord to fix the heating without sounding rude?", 2)]
    [InlineData("should i take the job offer or stay where i am", 2)]
    [InlineData("Is it worth learning to play the piano at 40?", 2)]
    [InlineData("Can you give me some tips for sleeping better on night shifts?", 2)]
    [InlineData("How many moons does Jupiter have?", 1)]
    [InlineData("How do I solve 3x + 5 = 20 for x?", 3)]
    public void Rate_ClearCases_HeuristicDecides(string prompt, int expected)
    {
        var decision = Rate(Chat(("user", prompt)));

        Assert.Equal(expected, decision.Rating);
        Assert.Equal(DifficultyStages.Heuristic, decision.DecidedBy);
        Assert.Single(decision.Stages);
    }

    [Fact]
    public void Rate_UncertainPrompt_ReachesTheLearnedStage()
    {
        var decision = Rate(Chat(("user", "Give me some ideas for a team offsite in the mountains.")));

        Assert.Equal(DifficultyStages.Learned, decision.DecidedBy);
        Assert.Equal([DifficultyStages.Heuristic, DifficultyStages.Learned], decision.Stages.Select(s => s.Stage));
        Assert.InRange(decision.Stages[1].Confidence, 1.0 / 3, 1.0);
        Assert.Equal(decision.Rating, decision.Stages[1].Rating);
    }

    [Fact]
    public void Rate_FollowUpAfterCodeGeneration_KeepsTheConversationsRating()
    {
        var alone = Rate(Chat(("user", "Can you parallelize it?")));
        var inConversation = Rate(Chat(
            ("user", "Write a Python function that downloads a list of URLs."),
            ("assistant", "Here is a simple loop with requests.get."),
            ("user", "Can you parallelize it?")));

        Assert.True(alone.Rating < 3, $"alone {alone.Rating}");
        Assert.Equal(3, inConversation.Rating);
        Assert.Equal(DifficultyStages.Conversation, inConversation.DecidedBy);
    }

    [Fact]
    public void Rate_UnrelatedNewQuestion_IsNotRaisedByTheConversation()
    {
        var decision = Rate(Chat(
            ("user", "Write a Go web server with graceful shutdown."),
            ("assistant", "Here it is."),
            ("user", "What is the capital of Japan?")));

        Assert.Equal(1, decision.Rating);
    }

    [Fact]
    public void Rate_EmptyRequest_IsOne()
    {
        Assert.Equal(1, Rate(RequestText.Empty).Rating);
    }

    [Fact]
    public void Predict_ShippedModel_GivesAProbabilityDistribution()
    {
        var (p1, p2, p3) = DifficultyModel.Shipped.Predict("Prove that every bounded monotone sequence converges.", "none");

        Assert.Equal(1.0, p1 + p2 + p3, 6);
        Assert.StartsWith("difficulty-v1 seed=20261207", DifficultyModel.Shipped.Version, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteRead_RoundTrip_KeepsPredictionsToFourDecimals()
    {
        var weights = new float[3 * HashedFeatures.Buckets];
        weights[7] = 0.12345f;
        weights[HashedFeatures.Buckets + 9] = -1.5f;
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            DifficultyModel.Write(writer, weights, [0.1f, 0.2f, -0.3f], "v-test");
        }

        stream.Position = 0;
        var model = DifficultyModel.Read(stream);

        Assert.Equal("v-test", model.Version);
        var (p1, _, _) = model.Predict([7]);
        var (q1, _, _) = new DifficultyModel(weights, [0.1f, 0.2f, -0.3f], "x").Predict([7]);
        Assert.Equal(q1, p1, 3);
    }

    [Fact]
    public void Extract_HugeText_StaysWithinTheFeatureBound()
    {
        Span<int> features = stackalloc int[HashedFeatures.MaxFeatures];
        var text = string.Concat(Enumerable.Repeat("word another ", 100_000));

        var n = HashedFeatures.Extract(text, "none", features);

        Assert.InRange(n, 1, HashedFeatures.MaxFeatures);
        Assert.All(features[..n].ToArray(), f => Assert.InRange(f, 0, HashedFeatures.Buckets - 1));
    }

    [Fact]
    public void Extract_SameText_SameFeatures()
    {
        var a = new int[HashedFeatures.MaxFeatures];
        var b = new int[HashedFeatures.MaxFeatures];

        var n = HashedFeatures.Extract("Write a Rust function, then test it.", "code_request", a);
        var m = HashedFeatures.Extract("write a RUST function, then test it.", "code_request", b);

        Assert.Equal(a[..n], b[..m]);
    }
}

using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;

namespace Daalu.Classifier.Trainer;

/// <summary>Which prompts a learned stage trains on (shared by the hashed trainer and the MiniLM comparison).</summary>
internal static class TrainingSet
{
    /// <summary>
    /// The public sources of the shipped recipe: all but <c>clinc150</c>, whose intent-labelled voice-assistant
    /// requests taught the model that a short question is 1 (docs/classification.md, "Training the learned stage");
    /// <c>asq</c> (advice questions, 2) and <c>folio</c> (deductive reasoning, 3) since "Label 2 for advice questions".
    /// </summary>
    public static readonly IReadOnlySet<string> ShippedSources = new HashSet<string>(StringComparer.Ordinal)
    {
        "webquestions", "clinc150-howto", "wiki", "gsm8k", "aqua", "exercism", "exercism-blurb", "asq", "folio",
    };

    private static readonly DifficultyClassifier Heuristic = new(DifficultyModel.Shipped, TimeProvider.System);

    /// <summary>
    /// The <c>train</c> split: the templates, the public sources named (every one when null) and, with
    /// <paramref name="leftoverOnly"/>, only the prompts the heuristic stage leaves to the learned stage.
    /// </summary>
    public static List<LabelledText> Select(IEnumerable<LabelledText> corpus, IReadOnlySet<string>? sources, bool leftoverOnly) =>
        corpus.Where(c => !c.IsDev && (sources is null || c.Source == "templates" || sources.Contains(c.Source)) &&
                          (!leftoverOnly || LeftToLearnedStage(c.Text))).ToList();

    /// <summary>Whether the heuristic stage leaves this single-turn prompt to the learned stage (it does not use the model).</summary>
    public static bool LeftToLearnedStage(string prompt)
    {
        var text = RequestTextReader.Read(Evaluation.Chat(prompt));
        var input = text.ToComplexityInput();
        return !Heuristic.RateHeuristic(text.LastUserText, CodeDetector.Detect(text.LastUserText), in input).Decides;
    }
}

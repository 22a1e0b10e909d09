using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;

namespace Daalu.Router.Protocols.Tests.Classification;

/// <summary>
/// Pins what the shipped learned stage (<see cref="DifficultyModel.Shipped"/>) learned from its public training data,
/// built by hack/classifier/public-data/build.py and trained by hack/classifier/train-difficulty.sh. Every text below
/// is an item of that data's <c>train</c> split, quoted from the source named (GSM8K train, openai/grade-school-math,
/// MIT; WebQuestions train, brmson/dataset-factoid-webquestions, CC BY 4.0; CLINC150 train, clinc/oos-eval, CC BY 3.0;
/// Exercism problem-specifications metadata blurbs, MIT, in the builder's frame; ASQ test questions, liye/ASQ; FOLIO
/// train, Yale-LILY/FOLIO, CC BY-SA 4.0, in the builder's frame), never one of the evaluation sets. (WebQuestions'
/// "where do most chinese live?" was pinned here too; since ASQ's advice questions it is rated 2 by the model alone.)
/// The shipped recipe trains on what the heuristic stage leaves; since the twelfth session's rules that stage decides
/// nearly every factual question and plain request to write code, so the model alone no longer sees them (723
/// examples, one labelled 1): those items are pinned through the stages as the router runs them
/// (<see cref="Rate_PublicTrainingItemTheHeuristicDecides_RatedAsItsSource"/>).
/// </summary>
public class DifficultyModelTrainingTests
{
    [Theory]
    [InlineData("gsm8k train line 1", "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?", 3)]
    [InlineData("exercism alphametics", "Can you solve this exercise in Rust? Given an alphametics puzzle, find the correct solution.", 3)]
    [InlineData("asq 7ywzo0", "How to meet people outside my social comfort zone?", 2)]
    [InlineData("folio 1341", "Premises: All eels are fish. No fish are plants. A thing is either a plant or animal. Nothing that breathes is paper. All animals breathe. If a sea eel is either an eel or a plant, then a sea eel is an eel or an animal.\nConclusion: Sea eel is an eel.\nDoes the conclusion follow from the premises? Answer true, false or uncertain and show your reasoning.", 3)]
    [InlineData("clinc150 application_status", "how can i track the progress of my credit card application", 2)]
    public void Predict_PublicTrainingItem_RatedAsItsSource(string source, string text, int rating)
    {
        var (p1, p2, p3) = DifficultyModel.Shipped.Predict(text, CodeSignals.Name(CodeDetector.Detect(text)));
        var predicted = p1 >= p2 && p1 >= p3 ? 1 : p2 >= p3 ? 2 : 3;

        Assert.True(predicted == rating, $"{source}: rated {predicted} ({p1:F2}/{p2:F2}/{p3:F2}), trained as {rating}");
    }

    [Theory]
    [InlineData("exercism anagram", "Write a JavaScript program for this task. Find the words that use the same letters as another word.", 3)]
    [InlineData("webquestions wqr002668", "who is the voice of family guys meg griffin?", 1)]
    public void Rate_PublicTrainingItemTheHeuristicDecides_RatedAsItsSource(string source, string text, int rating)
    {
        var classifier = new DifficultyClassifier(DifficultyModel.Shipped, TimeProvider.System);
        var input = new Daalu.Router.Classification.ComplexityInput(text, text.Length, 1, false, false);

        var (rated, _, decides) = classifier.RateHeuristic(text, CodeDetector.Detect(text), in input);

        Assert.True(decides && rated == rating, $"{source}: heuristic rated {rated} (decides: {decides}), trained as {rating}");
    }

    [Fact]
    public void Shipped_Version_NamesTheTrainingData()
    {
        // The trainer writes the public data's SHA-256 prefix into the version: the weights say which build they came from.
        Assert.Matches("^difficulty-v1 seed=20261207 examples=[0-9]+ epochs=40 l2=0.0001 w3=1.5 data=templates\\+public-[0-9a-f]{12}$", DifficultyModel.Shipped.Version);
    }
}

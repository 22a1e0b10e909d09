using System.Text.Json.Nodes;
using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;

namespace Daalu.Router.Protocols.Tests.Classification;

/// <summary>
/// The heuristic stage's rules of issue 18's twelfth session (reasoning puzzles, programming specifications, wh- search
/// questions, word problems written with number words, advice cues in a question), each with near misses the rule must
/// leave alone. The prompts are written for these tests, in the shapes of the development data the rules were written
/// on (hack/classifier/difficulty-dev, the public dev split), not copied from it.
/// </summary>
public class DifficultyRulesTests
{
    private static readonly DifficultyClassifier Classifier = new(DifficultyModel.Shipped, TimeProvider.System);

    private static (int Rating, bool Decides) Heuristic(string prompt)
    {
        var text = RequestTextReader.Read(new JsonObject
        {
            ["model"] = "auto",
            ["messages"] = new JsonArray { new JsonObject { ["role"] = "user", ["content"] = prompt } },
        });
        var input = text.ToComplexityInput();
        var (rating, _, decides) = Classifier.RateHeuristic(text.LastUserText, CodeDetector.Detect(text.LastUserText), in input);
        return (rating, decides);
    }

    private const string Premises =
        "Every member of the chess club also plays in the orchestra. Nobody who plays in the orchestra has time for the " +
        "debate team. Mira is on the debate team, and Tomas is a member of the chess club. Some violinists are in the chess club.";

    [Theory]
    [InlineData(Premises + "\nWhich of the following, if true, would show that Tomas cannot be on the debate team?\nA. Mira plays the violin.\nB. Tomas plays in the orchestra.\nC. Some violinists debate.\nD. Mira is not in the chess club.")]
    [InlineData("Premises: " + Premises + " Conclusion: Mira is not in the chess club. Is the conclusion true, false or uncertain?")]
    [InlineData("Suppose that: " + Premises + " Can we conclude that Tomas has no time for the debate team?")]
    public void RateHeuristic_ReasoningPuzzleOverStatedPremises_DecidesThree(string prompt)
    {
        Assert.Equal((3, true), Heuristic(prompt));
    }

    [Fact]
    public void RateHeuristic_PuzzleQuestionAfterLongPremises_ReadsTheEnd()
    {
        var premises = string.Concat(Enumerable.Repeat(Premises + " ", 4));
        Assert.True(premises.Length > DifficultyClassifier.RuleScanLimit);

        Assert.Equal((3, true), Heuristic(premises + "\nBased on the above, which one must be true?"));
    }

    [Fact]
    public void RateHeuristic_ExamQuestionBeforeLongOptions_ReadsTheLastEightHundredCharacters()
    {
        var premises = string.Concat(Enumerable.Repeat(Premises + " ", 3));
        var option = " because every violinist in the chess club also plays in the orchestra and has no time left for debating.";
        var prompt = premises + "\nWhich of the following, if true, best explains why Tomas is not on the debate team?\n" +
            string.Join("\n", new[] { "A.", "B.", "C.", "D." }.Select(letter => letter + option));
        Assert.True(prompt.Length - prompt.IndexOf("Which of", StringComparison.Ordinal) > DifficultyClassifier.RuleScanLimit);

        Assert.Equal((3, true), Heuristic(prompt));
    }

    [Fact]
    public void RateHeuristic_PuzzleQuestionAtTheEndOfADocumentLongerThanTheLimit_IsNotReadThere()
    {
        var document = string.Concat(Enumerable.Repeat("The committee met on Tuesday and agreed to postpone the vote on the budget. ", 60));
        Assert.True(document.Length > DifficultyClassifier.PuzzleMaxLength);

        Assert.NotEqual((3, true), Heuristic(document + "Which of the following must be true?"));
    }

    [Theory]
    [InlineData("Which of the following is a mammal? A. shark B. dolphin C. trout D. eel")]
    [InlineData("Summarize the following article in three sentences. Based on the above reports, the council postponed the vote on the new bridge, citing costs that had doubled since the first estimate, and asked the city engineer to present two cheaper designs at the next meeting in March.")]
    public void RateHeuristic_PuzzleWordsWithoutPremisesOrInATextTask_IsNotAPuzzle(string prompt)
    {
        Assert.NotEqual((3, true), Heuristic(prompt));
    }

    [Theory]
    [InlineData("Given a sentence, count how often each word occurs in it. Implement it in Go, with tests.")]
    [InlineData("# Tip Calculator\n\nCreate an application that splits a restaurant bill.\n\n## User Stories\n\n- [ ] User can enter the bill total\n- [ ] User can choose the number of people\n- [ ] User sees each person's share")]
    [InlineData("Your task is to convert a Roman numeral string into an integer and reject malformed input.")]
    [InlineData("Given an array of integers and a target, return the indices of the two numbers that add up to the target.")]
    [InlineData("Temperature converter: the user enters a value in Celsius and have the program print it in Fahrenheit and Kelvin.")]
    public void RateHeuristic_ProgrammingSpecification_DecidesThree(string prompt)
    {
        Assert.Equal((3, true), Heuristic(prompt));
    }

    [Theory]
    [InlineData("Your task is to plan a surprise birthday party for my sister next Saturday.")]
    [InlineData("We need to implement the new holiday policy across all three offices by June.")]
    public void RateHeuristic_SpecificationWordsWithoutAProgrammingNoun_IsNotAProgrammingTask(string prompt)
    {
        Assert.NotEqual((3, true), Heuristic(prompt));
    }

    [Theory]
    [InlineData("what year did the berlin wall come down")]
    [InlineData("in which country is the atacama desert")]
    [InlineData("who was the prime minister of canada in 1970")]
    [InlineData("what tv series made the phrase winter is coming famous")]
    [InlineData("What do you call a group of crows?")]
    [InlineData("How far would you walk on the camino frances?")]
    [InlineData("The Treaty of Tordesillas divided the New World between Spain and which other country?")]
    [InlineData("Who's the drummer of the Rolling Stones?")]
    public void RateHeuristic_SearchQuestion_DecidesOne(string prompt)
    {
        Assert.Equal((1, true), Heuristic(prompt));
    }

    [Theory]
    [InlineData("what is the sum of the first 20 prime numbers")]
    [InlineData("what is the area of a circle with radius 7")]
    public void RateHeuristic_EverydayMathWordWithANumber_IsNotFactual(string prompt)
    {
        Assert.NotEqual((1, true), Heuristic(prompt));
    }

    [Theory]
    [InlineData("Three friends share twelve muffins equally, and each of them then gives half of their share to a neighbour. How many muffins does each friend keep?")]
    [InlineData("A baker makes twice as many rolls on Saturday as on Friday, and a third as many on Sunday as on Saturday. If Friday's batch is sixty rolls, how many rolls does he bake in the three days in total?")]
    public void RateHeuristic_WordProblemWithNumberWords_DecidesThree(string prompt)
    {
        Assert.Equal((3, true), Heuristic(prompt));
    }

    [Fact]
    public void RateHeuristic_QuantityQuestionWithOneNumberWord_IsNotAWordProblem()
    {
        Assert.NotEqual((3, true), Heuristic("how many players are on a hockey team during a game in the national hockey league with two referees watching"));
    }

    [Theory]
    [InlineData("Does anyone know how I can ask for a raise after only six months?")]
    [InlineData("Is it weird to text my coworker on the weekend?")]
    [InlineData("Which instrument do you think I should pick up first?")]
    [InlineData("what to bring on a three day hike in the rain?")]
    [InlineData("What are some good ways to stay focused while studying at home?")]
    [InlineData("What is the difference between renting and leasing a car for a year abroad, and which one usually works out cheaper for someone who moves around a lot and does not know yet where they will live after the first few months?")]
    public void RateHeuristic_AdviceOrOpinionQuestion_DecidesTwo(string prompt)
    {
        Assert.Equal((2, true), Heuristic(prompt));
    }

    [Theory]
    [InlineData("who was someone famous born in 1920")]
    [InlineData("what did the roman army eat on campaign")]
    [InlineData("Lake Titicaca lies on the border of Peru and what other country?")]
    public void RateHeuristic_FactualQuestionWithoutAnAdviceCue_DecidesOne(string prompt)
    {
        Assert.Equal((1, true), Heuristic(prompt));
    }

    [Theory]
    [InlineData(0.2, 0.3, 0.5)]
    [InlineData(0.98, 0.01, 0.01)]
    [InlineData(0.05, 0.9, 0.05)]
    public void CalibratedConfidence_AnyDistribution_KeepsTheTopClassAndLowersItsConfidence(double p1, double p2, double p3)
    {
        var confidence = DifficultyClassifier.CalibratedConfidence(p1, p2, p3);
        var top = Math.Max(p1, Math.Max(p2, p3));

        Assert.InRange(confidence, 1.0 / 3, top);
        Assert.True(confidence > DifficultyClassifier.CalibratedConfidence(0.34, 0.33, 0.33), $"{confidence}");
    }

    [Fact]
    public void CalibratedConfidence_Uniform_IsOneThird()
    {
        Assert.Equal(1.0 / 3, DifficultyClassifier.CalibratedConfidence(1.0 / 3, 1.0 / 3, 1.0 / 3), 9);
    }
}

using System.Buffers;
using Daalu.Router.Classification.CodeDetection;

namespace Daalu.Router.Classification.Difficulty;

/// <summary>
/// Rates difficulty in stages (the design of the seed on inference routing): the free heuristic
/// (<see cref="HeuristicComplexityClassifier"/>) decides the clear cases, the learned stage (<see cref="DifficultyModel"/>)
/// the uncertain ones, and a follow-up turn ("Can you parallelize it?") is rated no lower than the user turn it
/// follows. Thread-safe; time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// The heuristic is trusted when it rates 3 (code plus debugging, several analytical asks, heavy math), for a plain
/// request to write code (a <see cref="CodeSignal.CodeRequest"/> led by a writing verb), and for a short question with
/// no code, math or task verb (rated 1). Everything else goes to the learned stage.
/// </remarks>
public sealed class DifficultyClassifier(DifficultyModel model, TimeProvider time)
{
    /// <summary>Texts at most this long may be "short factual" for the heuristic.</summary>
    public const int ShortText = 160;

    /// <summary>Characters the heuristic's own rules read.</summary>
    public const int RuleScanLimit = 400;

    private readonly HeuristicComplexityClassifier _heuristic = new();

    private static readonly string[] FactualOpeners =
    [
        "what is", "what's", "what are", "what was", "what does", "who ", "whom ", "when ", "where ", "which ", "how many",
        "how much", "how old", "how tall", "how far", "how long", "how big", "is ", "are ", "was ", "were ", "does ", "do ",
        "did ", "can ", "define ", "name ", "translate ", "capital", "hi", "hello", "thanks", "thank you", "ok", "good ",
    ];

    // Openers of a request for advice, a how-to or an opinion: the project's 2 ("advise"), not a short factual
    // question. On the public dev split (hack/classifier/public-data) a short text opening with one of them is labelled
    // 2 every time (ASQ advice questions 167, CLINC150 advice intents 24, CLINC150 how-to phrasing 78) and never 1 or 3;
    // over the whole public data 5 of 776 are CLINC150 intents labelled 1 ("is it safe to travel to iceland").
    private static readonly string[] AdviceOpeners =
    [
        "how do i ", "how can i ", "how should i ", "how would i ", "how to ", "how do you ", "how can you ", "should i ",
        "should we ", "what should i ", "what should we ", "what can i do", "what's the best way", "what is the best way",
        "what are some good", "what are some ways", "what are some tips", "any tips", "any advice", "any suggestions",
        "tips for", "ways to ", "is it worth", "is it ok", "is it okay", "is it normal", "is it safe", "is it a good idea",
        "is it better", "is it bad", "do you think", "what do you think", "why do i ", "why does my ", "why is my ",
        "why am i ", "why can't i ", "i need advice", "need advice", "some tips", "some advice",
    ];

    // Task verbs that make a short text a request for work, not a question.
    private static readonly string[] TaskOpeners =
    [
        "write", "rewrite", "summar", "draft", "compose", "create", "make", "give me", "list", "plan", "generate",
        "explain", "describe", "compare", "paraphrase", "correct", "classify", "extract", "turn ", "convert", "suggest",
        "recommend", "rank", "design", "analy", "evaluate", "critique", "solve", "prove", "compute", "calculate", "find",
        "simplify", "show",
    ];

    private static readonly string[] MathWords =
    [
        "solve", "prove", "integral", "derivative", "probability", "equation", "simplify", "evaluate", "compute",
        "calculate", "how many ways", "average speed", "percent", "area", "perimeter", "prime", "limit", "eigen",
        "matrix", "sum of", "reasoning", "step by step", "show that", "explain why", "differentiate", "%", "log(", "log2",
        "ln(", "fraction", "geometric", "series",
    ];

    private static readonly SearchValues<string> MathWordValues = SearchValues.Create(MathWords, StringComparison.Ordinal);

    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    private static readonly string[] TextTasks =
    [
        "summar", "rewrite", "paraphrase", "correct the", "proofread", "translate", "extract", "classify", "make this",
        "shorten", "reword", "rephrase", "fix the grammar", "fix the spelling", "turn this", "turn these", "reply to",
        "draft a", "write a short", "write an email", "write a thank", "write a poem", "write a haiku", "write a tweet",
        "write a birthday", "write a product description", "write a linkedin", "write a polite", "write a cover",
    ];

    private static readonly string[] WriteVerbs = ["write", "implement", "code", "create", "build", "generate", "program", "develop", "make", "design"];

    private static readonly string[] FollowUpWords =
    [
        " it", " it?", "this", "that", "them", "those", "these", "again", "instead", "now ", "also", "same", "above",
        "previous", "cheaper", "shorter", "longer", "faster", "simpler", "more ", "what if", "and if", "too",
    ];

    private static readonly SearchValues<string> FollowUpWordValues = SearchValues.Create(FollowUpWords, StringComparison.Ordinal);

    /// <summary>Rates the request's last user turn, then looks back one user turn for a follow-up.</summary>
    /// <param name="text">The request's texts.</param>
    /// <param name="lastTurnSignal">Code detection over the last user turn alone.</param>
    public DifficultyDecision Rate(RequestText text, CodeSignal lastTurnSignal)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stages = new List<StageRating>(3);
        var (rating, decidedBy) = RateTurn(text.LastUserText, lastTurnSignal, text.ToComplexityInput(), stages);
        if (text.PreviousUserText is { } previous && IsFollowUp(text.LastUserText))
        {
            var start = time.GetTimestamp();
            var previousInput = new ComplexityInput(previous, text.TotalLength, text.MessageCount, text.HasTools, text.HasImages);
            var (previousRating, _) = RateTurn(previous, CodeDetector.Detect(previous), previousInput, stages: null);
            stages.Add(new StageRating(DifficultyStages.Conversation, Math.Max(rating, previousRating), 1.0, time.GetElapsedTime(start)));
            if (previousRating > rating)
            {
                (rating, decidedBy) = (previousRating, DifficultyStages.Conversation);
            }
        }

        return new DifficultyDecision(rating, decidedBy, stages);
    }

    /// <summary>The heuristic stage alone: its rating and whether it is sure enough to decide.</summary>
    public (int Rating, double Confidence, bool Decides) RateHeuristic(string lastUserText, CodeSignal signal, in ComplexityInput input)
    {
        ArgumentNullException.ThrowIfNull(lastUserText);
        var text = lastUserText.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return (1, 1.0, true);
        }

        var rating = Math.Clamp(_heuristic.Rate(in input), 1, 3);
        if (rating == 3)
        {
            return (3, 0.8, true);
        }

        // The rules below read the text's first RuleScanLimit characters only: a prompt states its task early (a word
        // problem, a request to summarise), and the cost stays bounded whatever the prompt's length. One lower-cased
        // copy lets every rule compare ordinally (an OrdinalIgnoreCase search per word cost more than the rest).
        Span<char> lowered = stackalloc char[RuleScanLimit];
        var length = text[..Math.Min(text.Length, RuleScanLimit)].ToLowerInvariant(lowered);
        return RateByRules(rating, signal, lowered[..length]);
    }

    // The heuristic stage's rules over the lower-cased start of the text.
    private static (int Rating, double Confidence, bool Decides) RateByRules(int rating, CodeSignal signal, ReadOnlySpan<char> text)
    {
        var task = SkipPoliteness(text);
        if (signal == CodeSignal.CodeRequest && StartsWithAny(task, WriteVerbs))
        {
            return (3, 0.85, true);
        }

        var math = ContainsWordStart(text, MathWordValues);

        // A short request for advice, a how-to or an opinion, with no code, math or arithmetic: 2 (it would otherwise
        // pass for a short factual question below).
        if (signal == CodeSignal.None && text.Length <= ShortText && !math && !HasArithmetic(text) &&
            (StartsWithAny(text, AdviceOpeners) || StartsWithAny(task, AdviceOpeners)))
        {
            return (2, 0.7, true);
        }

        if (rating == 1 && signal == CodeSignal.None && text.Length <= ShortText && !math &&
            !HasArithmetic(text) && !StartsWithAny(task, TaskOpeners) &&
            (text.Length <= 40 || StartsWithAny(text, FactualOpeners)))
        {
            return (1, 0.85, true);
        }

        // Math: a math word with numbers, or a word problem (arithmetic in a text of some length, or two numbers and a
        // quantity question: "3 apples cost 2 euros. How much do 12 cost?").
        if (signal == CodeSignal.None && ((math && text.ContainsAny(Digits)) || (HasArithmetic(text) && text.Length >= 30) ||
            (NumberCount(text) >= 2 && text.ContainsAny(QuantityQuestionValues))))
        {
            return (3, 0.75, true);
        }

        // Pasted code, a trace, a diff or a config with a question about it, and no request to write new code.
        if (signal is not (CodeSignal.None or CodeSignal.CodeRequest) && !StartsWithAny(task, WriteVerbs))
        {
            return (2, 0.7, true);
        }

        // Rewriting, summarising, extracting: work on a text the user gives.
        if (signal == CodeSignal.None && !math && StartsWithAny(task, TextTasks))
        {
            return (2, 0.7, true);
        }

        return (rating, 0.5, false);
    }

    private (int Rating, string DecidedBy) RateTurn(string lastUserText, CodeSignal signal, ComplexityInput input, List<StageRating>? stages)
    {
        var start = time.GetTimestamp();
        var (rating, confidence, decides) = RateHeuristic(lastUserText, signal, in input);
        stages?.Add(new StageRating(DifficultyStages.Heuristic, rating, confidence, time.GetElapsedTime(start)));
        if (decides)
        {
            return (rating, DifficultyStages.Heuristic);
        }

        start = time.GetTimestamp();
        var (p1, p2, p3) = model.Predict(lastUserText, CodeSignals.Name(signal));
        var learned = p1 >= p2 && p1 >= p3 ? 1 : p2 >= p3 ? 2 : 3;
        stages?.Add(new StageRating(DifficultyStages.Learned, learned, Math.Max(p1, Math.Max(p2, p3)), time.GetElapsedTime(start)));
        return (learned, DifficultyStages.Learned);
    }

    private static bool IsFollowUp(string lastUserText)
    {
        var text = lastUserText.AsSpan().Trim();
        if (text.Length is 0 or > 200)
        {
            return false;
        }

        Span<char> lowered = stackalloc char[200];
        var length = text.ToLowerInvariant(lowered);
        return lowered[..length].ContainsAny(FollowUpWordValues);
    }

    // "Can you write ...", "Please implement ...": the verb after a polite opener.
    private static ReadOnlySpan<char> SkipPoliteness(ReadOnlySpan<char> text)
    {
        foreach (var opener in (ReadOnlySpan<string>)["please ", "can you ", "could you ", "i need ", "i want ", "give me ", "help me "])
        {
            if (text.StartsWith(opener, StringComparison.Ordinal))
            {
                return SkipPoliteness(text[opener.Length..].TrimStart());
            }
        }

        return text;
    }

    private static readonly string[] QuantityQuestions =
    [
        "how much", "how many", "how long", "how far", "how old", "how fast", "what fraction", "what percentage", "total",
        "average", "left over", "remain",
    ];

    private static readonly SearchValues<string> QuantityQuestionValues = SearchValues.Create(QuantityQuestions, StringComparison.Ordinal);

    private static int NumberCount(ReadOnlySpan<char> text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i]) && (i == 0 || !char.IsAsciiDigit(text[i - 1])))
            {
                count++;
            }
        }

        return count;
    }

    // Like ContainsAny, but a word must start where it matches ("prove" in "prove that", not in "approved"). One
    // vectorized search for every word at once; at a match, every word found there starts with the same character, so
    // the word-start test depends on the position only.
    private static bool ContainsWordStart(ReadOnlySpan<char> text, SearchValues<string> words)
    {
        var position = 0;
        while (position < text.Length)
        {
            var found = text[position..].IndexOfAny(words);
            if (found < 0)
            {
                return false;
            }

            var at = position + found;
            if (at == 0 || !char.IsAsciiLetter(text[at - 1]) || !char.IsAsciiLetter(text[at]))
            {
                return true;
            }

            position = at + 1;
        }

        return false;
    }

    private static bool StartsWithAny(ReadOnlySpan<char> text, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // Digits on both sides of an operator ("3x + 7 = 22", "2 * 4").
    private static bool HasArithmetic(ReadOnlySpan<char> text)
    {
        for (var i = 1; i + 1 < text.Length; i++)
        {
            if (text[i] is '+' or '*' or '/' or '=' or '^' or '%' or '-' && LooksNumeric(text, i - 1, -1) && LooksNumeric(text, i + 1, 1))
            {
                return true;
            }
        }

        return false;
    }

    private static bool LooksNumeric(ReadOnlySpan<char> text, int at, int step)
    {
        if (at >= 0 && at < text.Length && text[at] == ' ')
        {
            at += step;
        }

        return at >= 0 && at < text.Length && (char.IsAsciiDigit(text[at]) || text[at] is 'x' or 'y' or 'n');
    }
}

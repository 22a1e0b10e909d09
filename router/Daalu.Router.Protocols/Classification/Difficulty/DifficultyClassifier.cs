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
/// request to write code (a <see cref="CodeSignal.CodeRequest"/> led by a writing verb), a programming specification, a
/// reasoning puzzle over stated premises, a word problem (3), a request for advice, a how-to or an opinion, pasted code
/// with a question, work on a given text (2), and a short question with no code, math or task verb (1); the rules are
/// listed in docs/classification.md. Everything else goes to the learned stage, whose confidence is temperature-scaled
/// (<see cref="LearnedTemperature"/>) for the judge's threshold.
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
        "what is", "what's", "what are", "what was", "what does", "what ", "in what ", "in which ", "on what ", "at what ",
        "from what ", "with which ", "to which ", "for which ", "how did ", "how often", "whose ", "who's ", "who ", "whom ", "when ", "where ", "which ", "how many",
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
        "what are some ", "what is the difference", "what's the difference", "what are the differences",
        "what are the advantages", "what are the benefits", "what are the pros", "can you explain", "could you explain",
        "what would happen if", "what happens if", "how would you ", "what do you recommend", "what do you suggest",
    ];

    // Cues anywhere in a short question that it asks for advice or an opinion about the asker's own situation
    // ("Does anyone know how I can ...", "Is it weird to ...", "Which sport do you think I should stick with?"),
    // written on the public dev split's advice questions (ASQ, CLINC150 how-to) against its factual ones
    // (WebQuestions) and the development set's search questions (hack/classifier/difficulty-dev).
    private static readonly string[] AdviceCues =
    [
        "should i ", "should we ", "should my ", "i should", "we should", "do you think", "what would you", "you guys",
        "anyone ", "anybody ", "can someone", "could someone", "any advice", "any tips", "any suggestions",
        "recommendations", "advice", "is it weird", "is it wrong", "is it normal", "is it bad", "is it rude", "is it okay",
        "is it ok", "am i ", "is there any way i", "is there a way i", "what to ", "how to ", "how do i ", "how can i ",
        "how should", "what do i ", "do i need", "what steps", "worth it", "worth my", "possible for me", "good idea",
        "can i still", "what can i", "what are my options", "i need help", "need help",
    ];

    private static readonly SearchValues<string> AdviceCueValues = SearchValues.Create(AdviceCues, StringComparison.Ordinal);

    // Markers of a programming task stated as a specification, and the programming nouns one of them must come with.
    private static readonly string[] SpecMarkers =
    [
        "your task is", "your task:", "user stories", "user can ", "implement", "write a program", "write a function",
        "write a class", "write a script", "create a program", "create a function", "create an app", "create an application",
        "create a web", "build an app", "build a web", "program should", "function should", "your program",
        "your function", "with tests", "define a function", "define a class", "have the program", "user enters",
        "make a program", "make an app", "build a program", "build a tool", "create a game",
        "build a game", "given an array", "given a string", "given a list of", "given an integer", "given two",
        "return true", "example 1:", "constraints:",
    ];

    private static readonly SearchValues<string> SpecMarkerValues = SearchValues.Create(SpecMarkers, StringComparison.Ordinal);

    private static readonly string[] ProgrammingNouns =
    [
        "program", "function", "app", "application", "algorithm", "class", "method", "api", "cli", "script", "code",
        "string", "array", "integer", "input", "output", "tests", "python", "java", "rust", "haskell", "c++",
        "javascript", "typescript", "golang", "ruby", "kotlin", "swift", "database", "website", "web page", "button",
        "user interface", "parse", "command line", "linked list", "binary",
    ];

    private static readonly SearchValues<string> ProgrammingNounValues = SearchValues.Create(ProgrammingNouns, StringComparison.Ordinal);

    // "c#" apart: one 2-character word would make SearchValues fall back from its 3-character search for the whole list.
    private static readonly SearchValues<string> CSharpValues = SearchValues.Create(["c#"], StringComparison.Ordinal);

    /// <summary>Texts up to this long that open like a request for advice, a how-to or an opinion are rated 2.</summary>
    public const int AdviceLength = 300;

    /// <summary>Texts shorter than this are not taken for a reasoning puzzle over stated premises.</summary>
    public const int PuzzleMinLength = 200;

    /// <summary>The characters at a text's end the puzzle rule reads (the question and four options of an exam question).</summary>
    public const int PuzzleTailLength = 800;

    /// <summary>The longest text whose end the puzzle rule reads (longer ones are documents, not puzzles).</summary>
    public const int PuzzleMaxLength = 4000;

    // Questions that ask for reasoning over premises the text states, written on the development set's logic exam
    // questions (LogiQA) and the public dev split's deductions (FOLIO).
    private static readonly string[] PuzzleMarkers =
    [
        "which of the following", "which one of the following", "based on the above", "according to the above",
        "if the above", "from the above", "true, false or", "true, false, or", "true or false", "premises:", "suppose that:",
        "can we conclude", "does it follow", "follows logically", "logically follow", "must be true", "cannot be true",
        "could be true", "must be false", "is uncertain", "most strongly support", "weaken the", "strengthen the",
        "options:",
    ];

    private static readonly SearchValues<string> PuzzleMarkerValues = SearchValues.Create(PuzzleMarkers, StringComparison.Ordinal);

    // Task verbs that make a short text a request for work, not a question.
    private static readonly string[] TaskOpeners =
    [
        "write", "rewrite", "summar", "draft", "compose", "create", "make", "give me", "list", "plan", "generate",
        "explain", "describe", "compare", "paraphrase", "correct", "classify", "extract", "turn ", "convert", "suggest",
        "recommend", "rank", "design", "analy", "evaluate", "critique", "solve", "prove", "compute", "calculate", "find",
        "simplify", "show",
    ];

    // Matched at a word start; "compute " and "computes" so that "computer" is not math. A '%' anywhere is math too
    // (HasMathWord): kept out of the list, whose words are all 3+ characters, so that SearchValues can use its
    // vectorized 3-character search instead of Aho-Corasick (8 us against under 1 us for 400 characters of prose).
    private static readonly string[] MathWords =
    [
        "solve", "prove", "integral", "derivative", "probability", "equation", "simplify", "evaluate", "compute ",
        "computes", "calculate", "how many ways", "average speed", "percent", "area of a", "area of the", "surface area", "perimeter",
        "prime number", "prime factor", "primes", "limit of", "the limit", "eigen", "matrix", "sum of", "reasoning",
        "step by step", "show that", "explain why", "differentiate", "log(", "log2", "ln(", "fraction", "geometric",
        "arithmetic series", "taylor series", "power series",
    ];

    private static readonly SearchValues<string> MathWordValues = SearchValues.Create(MathWords, StringComparison.Ordinal);

    // Math words that are also everyday words ("what percent of voters", "the area of the city", "the limit of the
    // law"): they make a text math only with a number in it.
    private static readonly string[] EverydayMathWords = ["percent", "area of the", "perimeter", "limit of", "the limit", "fraction", "sum of"];

    private static readonly SearchValues<string> StrongMathWordValues = SearchValues.Create(MathWords.Except(EverydayMathWords).ToArray(), StringComparison.Ordinal);

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

        return RateByRules(rating, signal, lowered[..length], text);
    }

    // The heuristic stage's rules over the lower-cased start of the text.
    private static (int Rating, double Confidence, bool Decides) RateByRules(int rating, CodeSignal signal, ReadOnlySpan<char> text,
        ReadOnlySpan<char> original)
    {
        var fullLength = original.Length;
        var task = SkipPoliteness(text);
        if (signal == CodeSignal.CodeRequest && WriteVerbsIndex.IsPrefixOf(task))
        {
            return (3, 0.85, true);
        }

        // A programming task stated as a specification ("Given a phrase, count ... Implement it in Python, with tests.",
        // "Your task is to ...", an app's user stories): a specification marker and a programming noun.
        if (signal is CodeSignal.None or CodeSignal.CodeRequest && ContainsWordStart(text, SpecMarkerValues) &&
            (ContainsWordStart(text, ProgrammingNounValues) || ContainsWordStart(text, CSharpValues)))
        {
            return (3, 0.8, true);
        }

        var math = (text.Contains('%') || ContainsWordStart(text, MathWordValues)) &&
            (text.ContainsAny(Digits) || text.Contains('%') || ContainsWordStart(text, StrongMathWordValues));

        // A reasoning puzzle over stated premises (logic exam questions, first-order deductions, "which of the
        // following ... if true"): a puzzle question at the start or the end of a text that is long enough to hold
        // the premises, with no code and no text-work request.
        if (signal == CodeSignal.None && fullLength >= PuzzleMinLength && !TextTasksIndex.IsPrefixOf(task) &&
            AsksAPuzzleQuestion(text, original))
        {
            return (3, 0.8, true);
        }

        // A short request for advice, a how-to or an opinion, with no code, math or arithmetic: 2 (it would otherwise
        // pass for a short factual question below).
        if (signal == CodeSignal.None && !math && !HasArithmetic(text) &&
            (((AdviceOpenersIndex.IsPrefixOf(text) || AdviceOpenersIndex.IsPrefixOf(task)) && fullLength <= AdviceLength) ||
             (text.Length <= ShortText &&
             IsQuestion(text) && ContainsWordStart(text, AdviceCueValues))))
        {
            return (2, 0.7, true);
        }

        if (rating == 1 && signal == CodeSignal.None && text.Length <= ShortText && !math &&
            !HasArithmetic(text) && !TaskOpenersIndex.IsPrefixOf(task) &&
            (text.Length <= 40 || FactualOpenersIndex.IsPrefixOf(text) || IsTriviaQuestion(text)))
        {
            return (1, 0.85, true);
        }

        // Math: a math word with numbers, or a word problem (arithmetic in a text of some length, or two numbers and a
        // quantity question: "3 apples cost 2 euros. How much do 12 cost?").
        if (signal == CodeSignal.None && ((math && text.ContainsAny(Digits)) || (HasArithmetic(text) && text.Length >= 30) ||
            (NumberCount(text) >= 2 && text.ContainsAny(QuantityQuestionValues)) ||
            (text.Length >= 80 && NumberCount(text) + NumberWordCount(text) >= 2 && text.ContainsAny(QuantityQuestionValues))))
        {
            return (3, 0.75, true);
        }

        // Pasted code, a trace, a diff or a config with a question about it, and no request to write new code.
        if (signal is not (CodeSignal.None or CodeSignal.CodeRequest) && !WriteVerbsIndex.IsPrefixOf(task))
        {
            return (2, 0.7, true);
        }

        // Rewriting, summarising, extracting: work on a text the user gives.
        if (signal == CodeSignal.None && !math && TextTasksIndex.IsPrefixOf(task))
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
        stages?.Add(new StageRating(DifficultyStages.Learned, learned, CalibratedConfidence(p1, p2, p3), time.GetElapsedTime(start)));
        return (learned, DifficultyStages.Learned);
    }

    /// <summary>
    /// The temperature that calibrates the learned stage's probabilities: fitted (minimum log loss over 0.5..8 in steps
    /// of 0.1) on the learned stage's decisions in the public dev split and the development set
    /// (hack/classifier/difficulty-dev), where the raw top probability said 0.9+ for decisions right about half the time.
    /// It does not change the learned rating (the most probable class stays the most probable), only the confidence
    /// the judge's threshold (policy <c>judge.confidenceBelowPercent</c>, default 60) reads: at 60 the judge is asked for
    /// 9-20% of requests on the evaluated mixes (docs/classification.md, "The judge's share").
    /// </summary>
    public const double LearnedTemperature = 6.4;

    /// <summary>The top class probability after temperature scaling with <see cref="LearnedTemperature"/>. Pure.</summary>
    public static double CalibratedConfidence(double p1, double p2, double p3)
    {
        var q1 = Math.Pow(Math.Max(p1, 1e-9), 1 / LearnedTemperature);
        var q2 = Math.Pow(Math.Max(p2, 1e-9), 1 / LearnedTemperature);
        var q3 = Math.Pow(Math.Max(p3, 1e-9), 1 / LearnedTemperature);
        return Math.Max(q1, Math.Max(q2, q3)) / (q1 + q2 + q3);
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

    // Numbers written as words in word problems ("Four kids can wash three whiteboards", "twice as many").
    private static readonly string[] NumberWords =
    [
        "two ", "three ", "four ", "five ", "six ", "seven ", "eight ", "nine ", "ten ", "eleven ", "twelve ", "fifteen ",
        "twenty ", "thirty ", "fifty ", "hundred ", "dozen", "twice", "half ", "third", "fourth", "quarter", "double",
        "triple",
    ];

    private static readonly SearchValues<string> NumberWordValues = SearchValues.Create(NumberWords, StringComparison.Ordinal);

    private static int NumberWordCount(ReadOnlySpan<char> text)
    {
        var count = 0;
        var position = 0;
        while (count < 2 && position < text.Length)
        {
            var found = text[position..].IndexOfAny(NumberWordValues);
            if (found < 0)
            {
                break;
            }

            var at = position + found;
            count += at == 0 || !char.IsAsciiLetter(text[at - 1]) ? 1 : 0;
            position = at + 1;
        }

        return count;
    }

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

    // A puzzle question in the lower-cased start of the text or, for a text longer than that and at most
    // PuzzleMaxLength, in its last PuzzleTailLength characters: a long puzzle states its premises first and asks at
    // the end, before its options. Longer texts (a pasted document) are not read again.
    private static bool AsksAPuzzleQuestion(ReadOnlySpan<char> text, ReadOnlySpan<char> original)
    {
        if (text.ContainsAny(PuzzleMarkerValues))
        {
            return true;
        }

        if (original.Length <= RuleScanLimit || original.Length > PuzzleMaxLength)
        {
            return false;
        }

        Span<char> tail = stackalloc char[PuzzleTailLength];
        var length = original[^Math.Min(original.Length - RuleScanLimit, PuzzleTailLength)..].ToLowerInvariant(tail);
        return tail[..length].ContainsAny(PuzzleMarkerValues);
    }

    // A trivia question with its wh- word inside ("Procter & Gamble is headquartered in which city?").
    private static bool IsTriviaQuestion(ReadOnlySpan<char> text) =>
        text.Length <= 100 && text[^1] == '?' && (text.Contains(" which ", StringComparison.Ordinal) || text.Contains(" what ", StringComparison.Ordinal));

    // Ends with '?' or opens like a question.
    private static bool IsQuestion(ReadOnlySpan<char> text) => text.TrimEnd()[^1] == '?' || QuestionOpenersIndex.IsPrefixOf(text);

    private static readonly string[] QuestionOpeners =
    [
        "what", "how", "why", "who", "which", "where", "when", "is ", "are ", "am ", "do ", "does ", "did ", "can ",
        "could ", "should ", "would ", "will ", "any ",
    ];

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

    // Declared last: static fields initialise in text order, after the lists above.
    private static readonly OpenerIndex WriteVerbsIndex = new(WriteVerbs);
    private static readonly OpenerIndex TextTasksIndex = new(TextTasks);
    private static readonly OpenerIndex AdviceOpenersIndex = new(AdviceOpeners);
    private static readonly OpenerIndex TaskOpenersIndex = new(TaskOpeners);
    private static readonly OpenerIndex FactualOpenersIndex = new(FactualOpeners);
    private static readonly OpenerIndex QuestionOpenersIndex = new(QuestionOpeners);

    // Lower-case ASCII prefixes grouped by first character, so a text is compared only with the prefixes that start
    // like it (the advice, factual and task lists hold 30-60 each).
    private sealed class OpenerIndex
    {
        private readonly string[][] _byFirst = new string[128][];

        public OpenerIndex(string[] prefixes)
        {
            for (var c = 0; c < 128; c++)
            {
                _byFirst[c] = prefixes.Where(p => p[0] == c).ToArray();
            }
        }

        public bool IsPrefixOf(ReadOnlySpan<char> text)
        {
            if (text.IsEmpty || text[0] >= 128)
            {
                return false;
            }

            foreach (var prefix in _byFirst[text[0]])
            {
                if (text.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}

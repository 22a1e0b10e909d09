using System.Buffers;
using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// The word pass of <see cref="CodeDetector"/>: requests for code in plain words ("Write a C++ program that ...",
/// "fix this bug", "why does this function return null", "How do I reverse a list in Python?"). Words are
/// lower-cased ASCII tokens ('+', '#' and inner '.' kept, so "c++", "c#" and "node.js" are one token); two-word terms
/// are looked up as "previous current". One pass; a bit filter sends only likely vocabulary words to the dictionary;
/// no allocation.
/// </summary>
internal static class PlainWords
{
    /// <summary>The score of a request for code.</summary>
    public const int Request = 2;

    /// <summary>The score of a text that only names code things (weak evidence).</summary>
    public const int Mention = 1;

    // A verb's object must follow within this many words, in the same sentence.
    private const int Window = 10;

    private const int MaxToken = 32;

    // "No such word yet": far enough back that word - Far never falls in a window (and never overflows).
    private const int Far = -1_000_000;

    [Flags]
    private enum Kind : uint
    {
        None = 0,
        StrongVerb = 1,
        WeakVerb = 2,
        StrongNoun = 4,
        WeakNoun = 8,
        Language = 16,
        AmbiguousLanguage = 32,
        Deictic = 64,
        Symptom = 128,
        ProseObject = 256,
        Question = 512,
        Pointable = 1024,
        Context = 2048,
        Artifact = 4096,
        ShellVerb = 16384,
        ShellNoun = 32768,
        DbCore = 65536,
        DbNoun = 131072,
        TaskOpener = 262144,
        Task = 524288,

        // Not a word class: the word starts a two-word term (looked up with the next word). Stripped before Step.
        PairStart = 1u << 30,

    }

    // Every word and two-word term, plus the first words of the terms flagged PairStart: one lookup per word answers both.
    private static readonly FrozenDictionary<string, Kind> Words = WithPairStarts(Build());

    private static readonly FrozenDictionary<string, Kind>.AlternateLookup<ReadOnlySpan<char>> Lookup = Words.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>2 for a request for code, 1 for a mention of code things, 0 otherwise.</summary>
    public static int Score(ReadOnlySpan<char> text) => MayScore(text) ? ScoreWords(text) : 0;

    // Every rule of Step, and a mention, needs a word whose class is one of these (or a two-word term of such a class,
    // whose first word then is one): a text with none of them scores 0 whatever else it holds.
    private const Kind Scoring = Kind.StrongNoun | Kind.WeakNoun | Kind.Language | Kind.AmbiguousLanguage | Kind.Pointable |
        Kind.Artifact | Kind.Context | Kind.ShellNoun | Kind.DbCore | Kind.DbNoun | Kind.TaskOpener;

    // Tokens are told apart by their first letter or digit, their second (or none), the last of their first run of
    // letters and digits, that run's length (16 = longer) and whether the token goes on after it ("c++", "node.js");
    // the key is hashed to one of 2^18 bits (32 KB).
    private const int KeyLengths = 16;

    private const int KeyBits = 18;

    // KeyChar's values by ASCII code (letters and digits only are ever asked): a table read instead of two compares.
    // Declared before ScoringKeys, whose initializer reads it.
    private static readonly byte[] KeyCharTable = BuildKeyChars();

    private static readonly ulong[] ScoringKeys = BuildScoringKeys();

    // A first, smaller filter on part of the key: a token's first character, its second (or none) and its run length
    // (16 = longer), for every scoring word, one bit each (2.8 KB, where ScoringKeys takes 32 KB). A token whose prefix
    // is no scoring word's has no scoring word's key either, so its hashed key is not computed or looked up; one whose
    // prefix is is checked against ScoringKeys as before. The answer is the same; most prose tokens ("the", "met")
    // stop here.
    private const int PrefixSlots = 36 * 37 * KeyLengths;

    private static readonly ulong[] ScoringPrefixes = BuildScoringPrefixes();

    private static int Prefix(char first, char second, int runLength) =>
        (((KeyChar(first) * 37) + (second == ' ' ? 36 : KeyChar(second))) * KeyLengths) + Math.Min(runLength, KeyLengths) - 1;

    /// <summary>
    /// False when no word of <paramref name="text"/> can be a scoring word (<see cref="Scoring"/>), so that
    /// <see cref="ScoreWords"/> would return 0, without reading words one character at a time: every token the word pass
    /// reads starts at a letter or digit after a character that is neither, and its first run of letters and digits
    /// (first, second and last character, length), with whether the token goes on after that run, give its key; a scoring word's
    /// key is in <see cref="ScoringKeys"/>. Keys can collide, never miss, so the answer "false" is exact.
    /// <c>CodeDetectorFastPathTests</c> checks it against the full word pass.
    /// </summary>
    internal static bool MayScore(ReadOnlySpan<char> text)
    {
        // One bit per character: set for an ASCII letter or digit. Built with vector compares, 16 or 8 characters at a
        // time; the tokens are then walked with bit operations, a constant amount of work per token.
        var words = (text.Length + 63) / 64;
        ulong[]? rented = null;
        var bits = words <= 256 ? stackalloc ulong[words] : (rented = ArrayPool<ulong>.Shared.Rent(words)).AsSpan(0, words);
        try
        {
            bits.Clear();
            LetterOrDigitBits(text, bits);
            return AnyScoringToken(text, bits);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }
    }

    private static void LetterOrDigitBits(ReadOnlySpan<char> text, Span<ulong> bits)
    {
        ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 16 <= text.Length; i += 16)
            {
                var v = Vector256.LoadUnsafe(ref first, (nuint)i);
                var letter = Vector256.LessThanOrEqual((v | Vector256.Create((ushort)0x20)) - Vector256.Create((ushort)'a'), Vector256.Create((ushort)25));
                var digit = Vector256.LessThanOrEqual(v - Vector256.Create((ushort)'0'), Vector256.Create((ushort)9));
                bits[i >> 6] |= (ulong)(letter | digit).ExtractMostSignificantBits() << (i & 63);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 8 <= text.Length; i += 8)
            {
                var v = Vector128.LoadUnsafe(ref first, (nuint)i);
                var letter = Vector128.LessThanOrEqual((v | Vector128.Create((ushort)0x20)) - Vector128.Create((ushort)'a'), Vector128.Create((ushort)25));
                var digit = Vector128.LessThanOrEqual(v - Vector128.Create((ushort)'0'), Vector128.Create((ushort)9));
                bits[i >> 6] |= (ulong)(letter | digit).ExtractMostSignificantBits() << (i & 63);
            }
        }

        for (; i < text.Length; i++)
        {
            if (char.IsAsciiLetterOrDigit(text[i]))
            {
                bits[i >> 6] |= 1UL << (i & 63);
            }
        }
    }

    // Every token the word pass reads starts at a letter or digit that follows something else (or the text's start),
    // so the starts of runs of set bits are a superset of the token starts.
    private static bool AnyScoringToken(ReadOnlySpan<char> text, ReadOnlySpan<ulong> bits)
    {
        var keys = ScoringKeys;
        var prefixes = ScoringPrefixes;
        var previous = 0UL;
        for (var w = 0; w < bits.Length; w++)
        {
            var word = bits[w];
            var starts = word & ~((word << 1) | (previous >> 63));
            previous = word;
            while (starts != 0)
            {
                var bit = BitOperations.TrailingZeroCount(starts);
                var start = (w * 64) + bit;
                starts &= starts - 1;

                // The run ends at the first clear bit after its start.
                var k = w;
                var rest = ~word & (ulong.MaxValue << bit);
                while (rest == 0 && ++k < bits.Length)
                {
                    rest = ~bits[k];
                }

                var end = rest == 0 ? text.Length : Math.Min(text.Length, (k * 64) + BitOperations.TrailingZeroCount(rest));
                var second = end - start > 1 ? text[start + 1] : ' ';
                var prefix = Prefix(text[start], second, end - start);
                if ((prefixes[prefix >> 6] & (1UL << (prefix & 63))) == 0)
                {
                    continue;
                }

                var goesOn = end < text.Length && (text[end] is '+' or '#' || (text[end] is '.' or '-' && end + 1 < text.Length && char.IsAsciiLetter(text[end + 1])));
                var key = Key(text[start], second, text[end - 1], end - start, goesOn);
                if ((keys[key >> 6] & (1UL << (key & 63))) != 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    // 36 first characters x 37 second characters (or none) x 36 last characters x 16 run lengths x 2, hashed to KeyBits.
    private static int Key(char first, char second, char last, int runLength, bool goesOn)
    {
        var key = (uint)((((((((KeyChar(first) * 37) + (second == ' ' ? 36 : KeyChar(second))) * 36) + KeyChar(last)) * KeyLengths) + Math.Min(runLength, KeyLengths) - 1) * 2) + (goesOn ? 1 : 0));
        return (int)((key * 2654435761u) >> (32 - KeyBits));
    }

    private static int KeyChar(char c) => KeyCharTable[c & 0x7F];

    private static byte[] BuildKeyChars()
    {
        var table = new byte[128];
        for (var c = 0; c < 128; c++)
        {
            table[c] = (byte)(char.IsAsciiDigit((char)c) ? 26 + (c - '0') : char.IsAsciiLetter((char)c) ? (c | 0x20) - 'a' : 0);
        }

        return table;
    }

    private static ulong[] BuildScoringKeys() => BuildScoringFilters().Keys;

    private static ulong[] BuildScoringPrefixes() => BuildScoringFilters().Prefixes;

    // The hashed keys and the (first, second, run length) prefixes of every scoring word.
    private static (ulong[] Keys, ulong[] Prefixes) BuildScoringFilters()
    {
        var keys = new ulong[(1 << KeyBits) / 64];
        var prefixes = new ulong[(PrefixSlots + 63) / 64];
        foreach (var (word, kind) in Build())
        {
            if ((kind & Scoring) == 0)
            {
                continue;
            }

            // A two-word term is found through its first word; a word that starts with neither a letter nor a digit
            // (".net") is never a token.
            var first = word.Contains(' ', StringComparison.Ordinal) ? word[..word.IndexOf(' ', StringComparison.Ordinal)] : word;
            if (!char.IsAsciiLetterOrDigit(first[0]))
            {
                continue;
            }

            var run = 1;
            while (run < first.Length && char.IsAsciiLetterOrDigit(first[run]))
            {
                run++;
            }

            var key = Key(first[0], run > 1 ? first[1] : ' ', first[run - 1], run, run < first.Length);
            keys[key >> 6] |= 1UL << (key & 63);
            var prefix = Prefix(first[0], run > 1 ? first[1] : ' ', run);
            prefixes[prefix >> 6] |= 1UL << (prefix & 63);
        }

        return (keys, prefixes);
    }

    // The word pass proper.
    internal static int ScoreWords(ReadOnlySpan<char> text)
    {
        Span<char> current = stackalloc char[MaxToken];
        Span<char> pair = stackalloc char[(MaxToken * 2) + 1];
        var previousLength = 0;
        var previousMayStartPair = false;
        // The previous word, as a span of text (start, length; length 0 when none in this sentence).
        var previousStart = 0;
        var previousTokenLength = 0;
        Span<char> previous = stackalloc char[MaxToken];
        var word = 0;
        var verbAt = Far;
        var verbStrong = false;
        var sentenceKinds = Kind.None;
        var lastLanguageAt = Far;
        var lastWeakNounAt = Far;
        var lastDeicticAt = Far;
        var lastAmbiguousAt = Far;
        var mention = false;
        // The sentence's first word; where its shell verb stood ("Find all files ..."); whether the text opens with "in".
        var sentenceStart = 0;
        var shellVerbAt = Far;
        var opensWithIn = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (!char.IsAsciiLetterOrDigit(c))
            {
                if (c is '.' or '?' or '!' or '\n' or ';' or ':' && (i + 1 >= text.Length || !char.IsAsciiLetter(text[i + 1])))
                {
                    // "In Rust: Implement complex numbers.": a title that opens with a language and a colon.
                    if (c == ':' && word == 2 && opensWithIn && (lastLanguageAt == 1 || lastAmbiguousAt == 1))
                    {
                        return Request;
                    }

                    sentenceStart = word;
                    shellVerbAt = Far;
                    verbAt = Far;
                    sentenceKinds = Kind.None;

                    // "PostgreSQL: count of duplicate rows": a title's language before a colon reaches into the title.
                    lastLanguageAt = c == ':' && word == 1 && lastLanguageAt == 0 ? 0 : Far;
                    lastWeakNounAt = Far;
                    lastDeicticAt = Far;
                    lastAmbiguousAt = Far;
                    previousLength = 0;
                    previousTokenLength = 0;
                }

                i++;
                continue;
            }

            // A token: letters and digits, with '+', '#' and letter-led '.', '-' inside or after.
            var start = i;
            var length = 0;
            var hash = 0u;
            var tooLong = false;
            while (i < text.Length)
            {
                var ch = text[i];
                var keep = char.IsAsciiLetterOrDigit(ch) || ch is '+' or '#' ||
                    (ch is '.' or '-' && i + 1 < text.Length && char.IsAsciiLetter(text[i + 1]));
                if (!keep)
                {
                    break;
                }

                if (length < MaxToken)
                {
                    var lower = (char)(ch | (char.IsAsciiLetterUpper(ch) ? 0x20 : 0));
                    current[length++] = lower;
                    hash = (hash * 31) + lower;
                }
                else
                {
                    tooLong = true;
                }

                i++;
            }

            if (tooLong || start == i)
            {
                previousLength = 0;
                previousTokenLength = 0;
                word++;
                continue;
            }

            var token = current[..length];
            if (word == 0)
            {
                opensWithIn = token.SequenceEqual("in");
            }

            var mayBeKnown = MayBeKnown(hash);
            var found = mayBeKnown && Lookup.TryGetValue(token, out var k) ? k : Kind.None;
            var kind = found & ~Kind.PairStart;
            if ((kind & Kind.AmbiguousLanguage) != 0 && previousTokenLength > 0 && IsParticle(text.Slice(previousStart, previousTokenLength)))
            {
                kind &= ~Kind.AmbiguousLanguage;
            }

            // "Implement a basic reactive system.", "Your task is to implement ...": a specification's opening.
            if ((kind & Kind.TaskOpener) != 0 && (word == sentenceStart ||
                (sentenceKinds & Kind.Task) != 0 && text.Slice(previousStart, previousTokenLength).Equals("to", StringComparison.OrdinalIgnoreCase)))
            {
                return Request;
            }

            previousStart = start;
            previousTokenLength = i - start;
            if (previousLength > 0 && previousMayStartPair)
            {
                previous[..previousLength].CopyTo(pair);
                pair[previousLength] = ' ';
                token.CopyTo(pair[(previousLength + 1)..]);
                if (Lookup.TryGetValue(pair[..(previousLength + 1 + length)], out var two))
                {
                    kind |= two;
                }
            }

            // The previous word is only read back to form a pair: keep it only when it can start one.
            previousMayStartPair = (found & Kind.PairStart) != 0;
            if (previousMayStartPair)
            {
                token.CopyTo(previous);
            }

            previousLength = length;

            if (kind != Kind.None)
            {
                if (ShellOrDatabase(kind, word, sentenceStart, ref shellVerbAt, sentenceKinds, lastLanguageAt))
                {
                    return Request;
                }

                var state = new Recent(lastLanguageAt, lastWeakNounAt, lastDeicticAt, lastAmbiguousAt);
                var decided = Step(kind, word, ref verbAt, ref verbStrong, ref sentenceKinds, ref state);
                (lastLanguageAt, lastWeakNounAt, lastDeicticAt, lastAmbiguousAt) = (state.Language, state.WeakNoun, state.Deictic, state.Ambiguous);
                if (decided)
                {
                    return Request;
                }

                mention |= (kind & (Kind.StrongNoun | Kind.Language | Kind.Context)) != 0;
            }

            word++;
        }

        return mention ? Mention : 0;
    }

    // "Find all files larger than 10MB in the current directory": a shell verb opening the sentence (or after
    // "recursively") and a file-system object within the window. "Copy rows from one table to another", "MySQL
    // OPTIMIZE all tables?": a database word (join, subquery, rows, stored procedure, a dialect) and a table word in
    // one sentence, in either order, or a table word at most four words after a language.
    private static bool ShellOrDatabase(Kind kind, int word, int sentenceStart, ref int shellVerbAt, Kind sentence, int languageAt)
    {
        if ((kind & Kind.ShellVerb) != 0 && (word == sentenceStart || word == shellVerbAt + 1))
        {
            shellVerbAt = word;
        }
        else if ((kind & Kind.ShellNoun) != 0 && word - shellVerbAt <= Window)
        {
            return true;
        }

        if ((kind & Kind.DbNoun) != 0 && ((sentence & Kind.DbCore) != 0 || word - languageAt <= 4))
        {
            return true;
        }

        return (kind & Kind.DbCore) != 0 && (sentence & Kind.DbNoun) != 0;
    }

    // Applies one known word to the sentence state; true when the sentence now asks for code.
    private static bool Step(Kind kind, int word, ref int verbAt, ref bool verbStrong, ref Kind sentence, ref Recent recent)
    {
        ref var lastLanguageAt = ref recent.Language;
        ref var lastWeakNounAt = ref recent.WeakNoun;
        var inWindow = word - verbAt <= Window;
        var isObject = (kind & (Kind.StrongNoun | Kind.WeakNoun | Kind.Language | Kind.AmbiguousLanguage)) != 0;

        // "write a poem about Python": a prose object first ends the verb's reach.
        if ((kind & Kind.ProseObject) != 0 && inWindow)
        {
            verbAt = Far;
        }

        if (inWindow && isObject)
        {
            if ((kind & (Kind.StrongNoun | Kind.Language)) != 0)
            {
                return true;
            }

            if (verbStrong && (kind & (Kind.WeakNoun | Kind.AmbiguousLanguage)) != 0)
            {
                return true;
            }

            // "create a Go function", "solve this exercise in Go": a weak verb, an ambiguous language and a weak noun
            // together, in either order.
            if ((kind & Kind.WeakNoun) != 0 && (sentence & Kind.AmbiguousLanguage) != 0)
            {
                return true;
            }

            if ((kind & Kind.AmbiguousLanguage) != 0 && (sentence & Kind.WeakNoun) != 0)
            {
                return true;
            }
        }

        // "a function in JavaScript", "Python class": a language and a code noun close together.
        if ((kind & Kind.WeakNoun) != 0 && word - lastLanguageAt <= 4)
        {
            return true;
        }

        if ((kind & Kind.Language) != 0 && word - lastWeakNounAt <= 4)
        {
            return true;
        }

        // "my code", "this script": a pointer right before code the user has; "this function returns null": with a symptom.
        if (word - recent.Deictic <= 2 && (kind & Kind.Pointable) != 0)
        {
            return true;
        }

        // "a Ruby method", "my React app", "the Go struct": a language right before a code noun or an artifact.
        if ((kind & (Kind.WeakNoun | Kind.StrongNoun)) != 0 && word - recent.Ambiguous <= 2)
        {
            return true;
        }

        if ((kind & Kind.Artifact) != 0 && word - lastLanguageAt <= 3)
        {
            return true;
        }

        if ((sentence & Kind.Deictic) != 0 && (sentence & Kind.WeakNoun) != 0 && (kind & Kind.Symptom) != 0)
        {
            return true;
        }

        if ((sentence & (Kind.Deictic | Kind.Symptom)) == (Kind.Deictic | Kind.Symptom) && (kind & Kind.WeakNoun) != 0 && (sentence & Kind.Deictic) != 0)
        {
            return true;
        }

        // "How do I reverse a list in Python?", "How can I make an HTTP request in Rust?", "How do I undo a git commit?"
        if ((sentence & Kind.Question) != 0 && (kind & (Kind.Language | Kind.AmbiguousLanguage | Kind.StrongNoun)) != 0)
        {
            return true;
        }

        if ((kind & (Kind.StrongVerb | Kind.WeakVerb)) != 0)
        {
            verbAt = word;
            verbStrong = (kind & Kind.StrongVerb) != 0;
            if ((sentence & (Kind.StrongNoun | Kind.Language)) != 0 && (sentence & Kind.Question) != 0)
            {
                return true;
            }
        }

        if ((kind & Kind.Language) != 0)
        {
            lastLanguageAt = word;
        }

        if ((kind & Kind.WeakNoun) != 0)
        {
            lastWeakNounAt = word;
        }

        if ((kind & Kind.Deictic) != 0)
        {
            recent.Deictic = word;
        }

        if ((kind & Kind.AmbiguousLanguage) != 0)
        {
            recent.Ambiguous = word;
        }

        sentence |= kind;
        return false;
    }

    // After these words an ambiguous language name is a verb or a letter ("how do I go about", "the way to go",
    // "do crystal meth", "the letter r"), not a language. Compared only when such a name follows, so the common words
    // among them cost no dictionary lookup.
    private static bool IsParticle(ReadOnlySpan<char> word)
    {
        foreach (var particle in (ReadOnlySpan<string>)["to", "i", "we", "you", "they", "can", "will", "not", "and", "or", "do", "letter", "lets", "either"])
        {
            if (word.Equals(particle, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // A bit per hash slot of every single word (and first word of a two-word term): most prose words ("the", "trip",
    // "neighbourhoods") find their bit clear and skip the dictionary. The hash is built while the word is lower-cased.
    private const int FilterBits = 1 << 16;

    private static readonly ulong[] KnownWords = BuildFilter();

    private static int FilterSlot(uint hash) => (int)((hash ^ (hash >> 16)) & (FilterBits - 1));

    private static bool MayBeKnown(uint hash)
    {
        var slot = FilterSlot(hash);
        return (KnownWords[slot >> 6] & (1UL << (slot & 63))) != 0;
    }

    private static ulong[] BuildFilter()
    {
        var filter = new ulong[FilterBits / 64];
        foreach (var key in Build().Keys)
        {
            var space = key.IndexOf(' ', StringComparison.Ordinal);
            var hash = 0u;
            foreach (var c in space < 0 ? key : key[..space])
            {
                hash = (hash * 31) + c;
            }

            var slot = FilterSlot(hash);
            filter[slot >> 6] |= 1UL << (slot & 63);
        }

        return filter;
    }

    // Word positions of the last language, code noun, deictic and ambiguous language name in the sentence.
    private struct Recent(int language, int weakNoun, int deictic, int ambiguous)
    {
        public int Language = language;
        public int WeakNoun = weakNoun;
        public int Deictic = deictic;
        public int Ambiguous = ambiguous;
    }

    private static FrozenDictionary<string, Kind> WithPairStarts(Dictionary<string, Kind> words)
    {
        foreach (var key in words.Keys.Where(k => k.Contains(' ', StringComparison.Ordinal)).ToList())
        {
            var first = key[..key.IndexOf(' ', StringComparison.Ordinal)];
            words[first] = words.GetValueOrDefault(first) | Kind.PairStart;
        }

        return words.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static Dictionary<string, Kind> Build()
    {
        var words = new Dictionary<string, Kind>(StringComparer.Ordinal);
        void Add(Kind kind, params string[] list)
        {
            foreach (var w in list)
            {
                words[w] = words.GetValueOrDefault(w) | kind;
            }
        }

        Add(Kind.StrongVerb, "write", "implement", "code", "debug", "refactor", "compile", "program");
        Add(Kind.WeakVerb, "create", "make", "build", "fix", "explain", "generate", "convert", "port", "translate", "optimize",
            "optimise", "review", "add", "modify", "rewrite", "complete", "improve", "parse", "develop", "design", "speed",
            "vectorize", "parallelize", "parallelise", "test", "document", "migrate", "deploy", "solve");
        Add(Kind.StrongNoun, "program", "programs", "script", "scripts", "code", "snippet", "regex", "regexp", "api", "endpoint",
            "bug", "bugs", "compiler", "leetcode", "unittest", "stacktrace", "segfault", "nullpointerexception",
            "dockerfile", "makefile", "quicksort", "mergesort", "hashmap", "hashtable", "oop", "cli", "graphql",
            "codebase", "traceback", "typeerror", "valueerror", "indexerror", "keyerror", "syntaxerror", "referenceerror",
            "nullreferenceexception", "unit test", "unit tests", "stack trace", "segmentation fault", "null pointer",
            "syntax error", "compile error", "compilation error", "runtime error", "shell script", "bash script",
            "hello world", "linked list", "binary search", "binary tree", "hash map", "hash table", "bubble sort",
            "merge sort", "quick sort", "pull request", "merge conflict", "regular expression", "data structure",
            "sorting algorithm", "rest api", "sql query", "database schema", "web scraper", "github actions",
            "cron job", "source code", "command line", "dynamic programming", "big-o", "time complexity", "edge cases",
            "test cases", "test case", "race condition", "memory leak", "infinite loop", "off-by-one", "code review",
            "npm", "pip", "repo", "git", "pytest", "junit", "jest", "docstring", "boilerplate", "refactoring",
            "recursion", "recursive", "algorithm", "algorithms", "kubernetes manifest", "helm chart", "yaml file",
            "json file", "config file", "html page", "css", "html", "jsx", "json", "yaml", "webhook", "mutex", "deadlock",
            "async", "await", "struct", "enum", "compiles",
            "dataframe", "numpy", "pandas", "sql");
        Add(Kind.WeakNoun, "function", "functions", "method", "methods", "class", "classes", "query", "loop", "array", "arrays",
            "variable", "variables", "library", "module", "component", "exception", "parser", "interface", "dict",
            "microservice", "schema", "endpoint", "callback", "lambda", "closure", "pointer", "constructor", "iterator",
            "decorator", "decorators", "generics", "middleware", "orm", "sdk", "hook", "hooks", "thread", "threads",
            "cache", "queue", "stack", "heap", "trie", "priority queue", "lru cache", "hash", "tokenizer", "linter");
        Add(Kind.Context, "import", "imports", "error", "errors", "build", "fails", "compile", "line", "undefined", "exception",
            "test", "tests", "module", "dependency", "dependencies", "crash", "crashes", "bug", "exclude", "config",
            "lint", "eslint", "commit", "deploy", "runtime", "variable", "function", "class", "method", "field",
            "parameter", "null", "file", "renaming", "refactor", "type", "types", "package", "install", "path");
        Add(Kind.Language, "python", "javascript", "typescript", "c++", "cpp", "c#", "csharp", "golang", "kotlin", "php",
            "scala", "haskell", "perl", "lua", "matlab", "bash", "zsh", "powershell", "postgresql", "postgres", "mysql",
            "sqlite", "dart", "elixir", "clojure", "f#", "ocaml", "julia", "fortran", "cobol", "verilog", "vhdl",
            "solidity", "react", "vue", "angular", "node.js", "nodejs", "django", "flask", "fastapi", "asp.net",
            "dotnet", ".net", "rails", "laravel", "jquery", "pytorch", "tensorflow", "terraform", "arduino", "linq",
            "next.js", "nextjs", "svelte", "webassembly", "wasm", "objective-c", "numpy", "pandas", "sql", "html", "css",
            "typescript's", "javascript's", "java's", "pyspark", "spark", "kafka", "redis", "mongodb", "graphql",
            "vba", "excel formula", "google apps script", "regex", "awk", "sed", "makefile", "cmake", "gradle", "maven",
            "swiftui", "jetpack compose", "unity", "godot", "opengl", "cuda", "k8s", "kubectl", "docker", "ansible",
            "springboot", "spring boot", "express.js", "nestjs", "pydantic", "sqlalchemy", "assembly language", "x86",
            "lisp", "erlang", "groovy", "r language", "visual basic", "vb.net", "delphi", "pascal", "prolog",
            "tailwind", "bootstrap css", "c language", "java code", "rust code", "go code", "js", "es6", "jvm");
        Add(Kind.AmbiguousLanguage, "go", "rust", "swift", "ruby", "java", "c", "r", "shell", "assembly", "spring", "express",
            "crystal", "elm", "nim", "zig", "scratch", "scheme");
                Add(Kind.ShellVerb, "find", "list", "display", "displays", "delete", "deletes", "remove", "removes", "copy", "copies",
            "move", "moves", "search", "print", "prints", "count", "counts", "rename", "renames", "change", "changes",
            "archive", "compress", "decompress", "unzip", "show", "shows", "locate", "recursively", "extract", "save",
            "calculate", "set", "run", "read", "append", "output", "report", "mount", "remount", "force", "install",
            "installs");
        Add(Kind.ShellNoun, "files", "file", "directories", "directory", "folder", "folders", "subdirectories", "subdirectory",
            "subfolders", "symlink", "symlinks", "symbolic link", "inode", "permissions", "processes", "stdout", "stdin",
            "standard output", "standard input", "md5sum", "environment variable", "environment variables", "variable",
            "screen session", "alias", "line number", "tar archive", "zip archive", "hostname", "host name",
            "disk space", "file system", "filesystem", "cron jobs", "command", "commands", "awk", "sed", "grep");
        Add(Kind.TaskOpener, "implement");
        Add(Kind.Task, "task", "job");
        Add(Kind.DbCore, "subquery", "query", "queries", "select", "stored procedure", "foreign key",
            "primary key", "group by", "order by", "cte", "result set", "resultset", "oracle", "tsql", "t-sql", "sybase",
            "bigquery", "sqlite3", "db2", "mssql", "sql server", "inner join", "left join", "outer join", "trigger", "pivot",
            "where clause", "distinct");
        Add(Kind.DbNoun, "table", "tables", "rows", "column", "columns", "records", "record",
            "values", "sum", "count", "max", "min", "date", "dates", "duplicates", "duplicate", "index", "query",
            "schema", "datetime", "timestamp", "null", "id");
        Add(Kind.Deictic, "this", "my", "following", "attached", "below", "above", "our", "these");
        Add(Kind.Pointable, "code", "script", "snippet", "regex", "regexp", "bug", "codebase", "repo", "dockerfile", "makefile",
            "traceback", "stack trace", "stacktrace", "sql", "json", "yaml", "compiler", "segfault", "unit test",
            "unit tests", "source code", "shell script", "bash script", "endpoint", "api");
        Add(Kind.Symptom, "return", "returns", "returning", "throw", "throws", "throwing", "crash", "crashes", "crashing",
            "null", "undefined", "nan", "none", "compile", "compiles", "fail", "fails", "failing", "hang", "hangs", "leak",
            "leaks", "output", "outputs", "print", "prints", "run", "runs", "work", "working", "works", "error", "errors",
            "loop", "recursion", "recursive", "iterate", "parameter", "parameters", "argument", "arguments", "do", "does");
        Add(Kind.ProseObject, "poem", "story", "essay", "song", "letter", "email", "haiku", "limerick", "blog", "article",
            "tweet", "speech", "summary", "novel", "joke", "paragraph", "recipe", "cover", "resume", "toast", "eulogy",
            "lyrics", "sonnet", "review", "report", "description", "bio", "caption", "slogan", "invitation");
        // Looked up as word pairs: "how do" (I ...), "how can" (I ...), "is there" (a way ...).
        Add(Kind.Question, "how do", "how to", "how can", "how would", "how should", "is there", "best way", "way to", "difference between");
        Add(Kind.Artifact, "app", "apps", "application", "project", "website", "site", "server", "page", "backend", "frontend",
            "service", "bot", "game", "tool", "component", "components", "codebase", "build", "code", "program", "script");
        return words;
    }
}

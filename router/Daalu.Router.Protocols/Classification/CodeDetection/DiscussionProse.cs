namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// Prose that talks about programming without asking for anything (issue 18's third pass, written on the development
/// set's technical prose and lists of programming resources, hack/classifier/dev): a book chapter on closures, a
/// design document on the garbage collector, a list of Python libraries. Its sentences pair language names and code
/// nouns ("JS code", "Python library", "the Go compiler") as a plain-words request does, so the word pass alone would
/// call it a request for code. A text of two or more sentences (or list items) with no question mark, no sentence or
/// item that opens like a request ("Write ...", "Can you ...", "How ...") and no first person singular ("I", "my", "me")
/// is taken as such prose: its plain-word verdict counts as a mention only. Read only when the word pass found a
/// request, so it costs nothing on the common path.
/// </summary>
internal static class DiscussionProse
{
    // Words a request opens with: an imperative to the assistant, a question word, a greeting.
    private static readonly string[] Openers =
    [
        "write", "implement", "create", "fix", "explain", "make", "build", "generate", "convert", "help", "show", "give",
        "tell", "can", "could", "would", "will", "how", "why", "what", "where", "which", "who", "when", "is", "are", "does",
        "do", "did", "should", "please", "debug", "refactor", "add", "modify", "rewrite", "optimize", "optimise", "review",
        "port", "translate", "find", "need", "want", "hey", "hi", "hello", "thanks", "ok", "okay", "so", "design", "develop",
        "update", "change", "remove", "use", "let's", "lets", "suggest", "recommend", "list", "compare", "describe", "any",
    ];

    private static readonly System.Buffers.SearchValues<char> IdentifierChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$@");

    /// <summary>True when <paramref name="text"/> is two or more declarative sentences or list items without a
    /// question, a request opener or the first person singular.</summary>
    public static bool Is(ReadOnlySpan<char> text)
    {
        if (text.Contains('?'))
        {
            return false;
        }

        var sentences = 0;
        foreach (var rawLine in text.EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.IsEmpty)
            {
                continue;
            }

            // A list item or a quoted line is a sentence of its own: "- [pytorch](...) - Tensors ...".
            line = line.TrimStart("-*+>#0123456789.) ").TrimStart();

            // "# RequiredModules = @()": an assignment, even behind a comment mark, is code, not a sentence.
            var name = line.IndexOfAnyExcept(IdentifierChars);
            if (name > 0 && line[name..].TrimStart().StartsWith('=') && !line[name..].TrimStart().StartsWith("=="))
            {
                return false;
            }
            var start = true;
            var i = 0;
            while (i < line.Length)
            {
                if (!char.IsAsciiLetter(line[i]))
                {
                    if (line[i] is '.' or '!' or ';' && (i + 1 == line.Length || line[i + 1] == ' '))
                    {
                        start = true;
                    }

                    i++;
                    continue;
                }

                var end = i;
                while (end < line.Length && (char.IsAsciiLetter(line[end]) || line[end] == '\''))
                {
                    end++;
                }

                var word = line[i..end];
                if (IsFirstPersonSingular(word))
                {
                    return false;
                }

                if (start)
                {
                    sentences++;
                    if (IsOpener(word))
                    {
                        return false;
                    }

                    start = false;
                }

                i = end;
            }
        }

        return sentences >= 2;
    }

    private static bool IsFirstPersonSingular(ReadOnlySpan<char> word) =>
        word is "I" or "I'm" or "I've" or "I'd" or "I'll" or "Im" ||
        word.Equals("my", StringComparison.OrdinalIgnoreCase) || word.Equals("me", StringComparison.OrdinalIgnoreCase) ||
        word.Equals("mine", StringComparison.OrdinalIgnoreCase);

    private static bool IsOpener(ReadOnlySpan<char> word)
    {
        foreach (var opener in Openers)
        {
            if (word.Equals(opener, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

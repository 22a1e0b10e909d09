using System.Collections.Frozen;

namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// Prose that talks about programming without asking for anything (issue 18's third pass, written on the development
/// set's technical prose and lists of programming resources, hack/classifier/dev; extended in the twelfth session on
/// hack/classifier/prose-dev's books, changelogs, docstrings, commit subjects and lists of titles): a book chapter on
/// closures, a design document on the garbage collector, a list of Python libraries, a release note. Its sentences pair
/// language names and code nouns ("JS code", "Python library", "the Go compiler") as a plain-words request does, and it
/// names files and inline code spans as a paste does, so the word pass alone would call it a request for code. A request
/// needs someone asking; a statement or a title does not. Taken as such prose:
/// <list type="bullet">
/// <item>two or more sentences (or list items) with no question mark outside a link, no sentence or item that opens like
/// a request ("Write ...", "Can you ...", "How ..."; a markdown link's title such as "[Write Great Code](...)" is a title,
/// not an imperative) and no first person singular ("I", "my", "me");</item>
/// <item>a change record: every item carries an issue or pull request reference ("(#4466)", ":pr:`5344`"), as changelog
/// entries and commit subjects do; its imperative ("Fix ...", "Add ...") records a change made, not one asked for;</item>
/// <item>one sentence that states what code does: it opens with a definite determiner or a pronoun ("This function returns
/// the list sorted by date.", "The parser keeps comments."; not "A Python script that ...", a request by title), ends with a full stop and names no failure or need ("null", "crashes",
/// "never", "doesn't", "should", "instead"): "This function returns null." reports a bug and stays a request.</item>
/// </list>
/// Read only when the word pass found a request or weak evidence decided, so it costs nothing on the common path.
/// </summary>
internal static class DiscussionProse
{
    // Words a request opens with: an imperative to the assistant, a question word, a greeting.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Openers = Words(
    [
        "write", "implement", "create", "fix", "explain", "make", "build", "generate", "convert", "help", "show", "give",
        "tell", "can", "could", "would", "will", "how", "why", "what", "where", "which", "who", "is", "are", "does",
        "do", "did", "should", "please", "debug", "refactor", "add", "modify", "rewrite", "optimize", "optimise", "review",
        "port", "translate", "find", "need", "want", "hey", "hi", "hello", "thanks", "ok", "okay", "so", "design", "develop",
        "update", "change", "remove", "use", "let's", "lets", "suggest", "recommend", "list", "compare", "describe", "any",
        // Verbs a programming task's statement opens with ("Insert and search for numbers in a binary tree.", "Determine
        // ..."), the word pass's code verbs among them; not those that open prose as nouns ("Code that ...", "Test
        // coverage ...", "Sort order ...").
        "compile", "parse", "solve", "migrate", "insert", "reverse", "calculate", "compute", "determine", "detect", "validate",
        "encode", "decode", "simulate",
    ]);

    // Words a one-sentence statement about code opens with: its subject's determiner or a pronoun.
    // Not "a" or "an": "A Python script that renames every file in a folder." names what is wanted, a request by title.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Determiners =
        Words(["this", "the", "these", "those", "that", "it", "its", "each", "every", "all"]);

    // Words that turn a statement into a report of a failure or a need ("returns null", "never frees", "should return").
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Failures = Words(
    [
        "null", "undefined", "nan", "none", "nil", "crash", "crashes", "crashed", "crashing", "fail", "fails", "failed", "failing",
        "failure", "error", "errors", "exception", "exceptions", "throw", "throws", "thrown", "hang", "hangs", "leak", "leaks",
        "wrong", "broken", "bug", "bugs", "buggy", "never", "not", "no", "cannot", "instead", "should", "must", "need", "needs",
        "unexpected", "unexpectedly", "incorrect", "incorrectly", "slow", "segfault", "segfaults", "panic", "panics", "stuck",
        "help", "want", "wants", "how", "why", "anymore",
    ]);

    // Characters of code that a heading or a title item does not hold.
    private static readonly System.Buffers.SearchValues<char> CodeMarks = System.Buffers.SearchValues.Create("`(){}[];=<>$\\|_\"'/:");

    private static readonly System.Buffers.SearchValues<char> IdentifierChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$@");

    /// <summary>True when <paramref name="text"/> is discussion prose, a change record or a one-sentence statement about
    /// code (see the type's summary).</summary>
    public static bool Is(ReadOnlySpan<char> text)
    {
        if (HasQuestion(text))
        {
            return false;
        }

        // Only a text with a reference mark can be a change record (rule 2); any other returns at its first opener.
        var mayBeRecord = text.Contains('#') || text.Contains(":pr:`", StringComparison.Ordinal) ||
            text.Contains(":issue:`", StringComparison.Ordinal) || text.Contains(":ghsa:`", StringComparison.Ordinal);
        var sentences = 0;
        var items = 0;
        var references = 0;
        var openers = 0;
        var failure = false;
        var statementStart = false;
        foreach (var rawLine in text.EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.IsEmpty)
            {
                continue;
            }

            // A list item or a quoted line is a sentence of its own: "- [pytorch](...) - Tensors ...".
            var unmarked = line.TrimStart("-*+>#0123456789.) ").TrimStart();
            items += line.Length > 1 && line[0] is '-' or '*' or '+' && line[1] == ' ' ? 1 : 0;
            line = unmarked;

            // "# RequiredModules = @()": an assignment, even behind a comment mark, is code, not a sentence.
            var name = line.IndexOfAnyExcept(IdentifierChars);
            if (name > 0 && line[name..].TrimStart().StartsWith('=') && !line[name..].TrimStart().StartsWith("=="))
            {
                return false;
            }

            references += mayBeRecord ? References(line) : 0;

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

                // Letters glued to digits or slashes ("PLuz4CTPOUNi4Dz6zBI8I3o" in a playlist link, "cs-159/lectures") are
                // parts of an identifier or a URL, not words: "I" there is no first person.
                if ((i > 0 && (char.IsAsciiDigit(line[i - 1]) || line[i - 1] is '/' or '=' or '&')) ||
                    (end < line.Length && (char.IsAsciiDigit(line[end]) || line[end] is '/' or '=' or '&')))
                {
                    while (end < line.Length && !char.IsWhiteSpace(line[end]) && line[end] != ')')
                    {
                        end++;
                    }

                    // A sentence or item that opens with one ("[Folyd/robotstxt](...) - Port of ...") opens with a name,
                    // not an imperative.
                    sentences += start ? 1 : 0;
                    start = false;
                    i = end;
                    continue;
                }

                var word = line[i..end];
                if (IsFirstPersonSingular(word))
                {
                    return false;
                }

                if (start)
                {
                    sentences++;
                    // "[Write Great Code](https://...)", "[![Build Status](...)]": a link's text is a title, whatever its first word.
                    openers += (i == 0 || line[i - 1] != '[') && Openers.Contains(word) ? 1 : 0;
                    if (openers > 0 && !mayBeRecord)
                    {
                        return false;
                    }

                    statementStart |= sentences == 1 && Determiners.Contains(word);
                    start = false;
                }

                // Only a one-sentence text is read for a failure or a need (rule 3), so later sentences skip the lookup.
                failure |= sentences <= 1 && (Failures.Contains(word) || word.EndsWith("n't", StringComparison.OrdinalIgnoreCase));

                i = end;
            }
        }

        // A change record: as many issue or pull request references as items (a commit subject is one item).
        if (references > 0 && references >= Math.Max(items, 1))
        {
            return sentences >= 1;
        }

        if (openers > 0)
        {
            return false;
        }

        return sentences >= 2 || (sentences == 1 && statementStart && !failure && text.TrimEnd().EndsWith('.'));
    }

    /// <summary>
    /// True when every line of <paramref name="text"/> that holds a letter reads as natural language: it has a run of
    /// three plain words ("the function returns", "Design and Analysis") and does not open like a comment or annotation
    /// of code ("//", "/*", "%", ";", "--", "@"). Asked before weak evidence (file names, inline code spans) is set
    /// aside, because a window of code with comments and identifiers ("expect_true(x %in% 3:18)") has the sentence
    /// shape <see cref="Is"/> reads (no opener, no question, two lines) but not this one.
    /// </summary>
    public static bool IsProseShaped(ReadOnlySpan<char> text)
    {
        var inItem = false;
        foreach (var rawLine in text.EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.IndexOfAnyInRange('A', 'z') < 0)
            {
                continue;
            }

            // An indented line under a list item continues the item, whose first line was read ("- Fix a crash when the\n
            //   --target-version flag is given (#5167)").
            var isItem = line.Length > 1 && line[0] is '-' or '*' or '+' && line[1] == ' ';
            if (inItem && !isItem && rawLine[0] is ' ' or '\t')
            {
                continue;
            }

            inItem = isItem;

            if (line.StartsWith("//") || line.StartsWith("/*") || line[0] is '%' or ';' or '@' || line.StartsWith("--"))
            {
                return false;
            }

            // "- [Structure and Interpretation of Computer Programs](https://...)", "* AWS [[aws](https://...)]": a list item
            // that links is a title; "* Continuous Integration": an item of words alone is a heading.
            var item = line.TrimStart("-*+").TrimStart();
            if (isItem && item.Length > 0 && (item[0] == '[' || item.Contains("](http", StringComparison.Ordinal) ||
                item.IndexOfAny(CodeMarks) < 0))
            {
                continue;
            }

            if (!HasWordRun(item.Length < line.Length && line[line.Length - item.Length - 1] == ' ' ? item : line, 3))
            {
                return false;
            }
        }

        return true;
    }

    // A run of `count` words of letters (an apostrophe or hyphen inside, a comma or full stop after) each followed by one space.
    private static bool HasWordRun(ReadOnlySpan<char> line, int count)
    {
        var run = 0;
        var i = 0;
        while (i < line.Length)
        {
            var end = i;
            if (line[i] == '`')
            {
                // An inline code span (`x`, ``x``) reads as one word of the sentence: "take an ``encoding`` parameter".
                var ticks = line[i..].IndexOfAnyExcept('`');
                var close = ticks < 0 ? -1 : line[(i + ticks)..].IndexOf(line.Slice(i, ticks));
                end = close < 0 ? line.Length : i + ticks + close + ticks;
            }

            while (end < line.Length && (char.IsAsciiLetter(line[end]) || (end > i && line[end] is '\'' or '-')))
            {
                end++;
            }

            var isWord = end > i && (end == line.Length || line[end] == ' ' ||
                (line[end] is ',' or '.' or ':' or ';' && (end + 1 == line.Length || line[end + 1] == ' ')));
            if (isWord && (i == 0 || line[i - 1] is ' ' or '[' or '('))
            {
                run++;
                if (run >= count)
                {
                    return true;
                }

                if (end < line.Length && line[end] != ' ')
                {
                    run = line[end] == ',' ? run : 0;
                    end++;
                }
            }
            else
            {
                run = 0;
                while (end < line.Length && line[end] != ' ')
                {
                    end++;
                }
            }

            i = end + 1;
        }

        return false;
    }

    // A question mark outside links, URLs and inline code ("?list=..." in a link target, "[Chapter ?](object)", "`a?.b`"
    // ask nothing).
    private static bool HasQuestion(ReadOnlySpan<char> text)
    {
        var at = text.IndexOf('?');
        while (at >= 0)
        {
            var lineStart = text[..at].LastIndexOf('\n') + 1;
            var before = text[lineStart..at];
            var after = text[(at + 1)..];
            var afterLine = after.IndexOf('\n') < 0 ? after : after[..after.IndexOf('\n')];
            var inSpan = before.Count('`') % 2 == 1 && afterLine.Contains('`');
            var inLinkText = before.LastIndexOf('[') > before.LastIndexOf(']') && afterLine.Contains("](", StringComparison.Ordinal);
            var token = at;
            while (token > 0 && at - token < 200 && !char.IsWhiteSpace(text[token - 1]) && text[token - 1] != '(')
            {
                token--;
            }

            var word = text[token..at];
            if (!inSpan && !inLinkText && !word.Contains("://", StringComparison.Ordinal) && !word.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            var next = text[(at + 1)..].IndexOf('?');
            at = next < 0 ? -1 : at + 1 + next;
        }

        return false;
    }

    // Issue and pull request references as changelogs and commit subjects write them: "(#4466)", "[#12]", ":pr:`5344`",
    // ":issue:`4777`". A bare "#12" is not counted ("fix issue #12" asks for a fix).
    private static int References(ReadOnlySpan<char> line)
    {
        var count = 0;
        for (var i = 1; i + 1 < line.Length; i++)
        {
            if (line[i] == '#' && line[i - 1] is '(' or '[' && char.IsAsciiDigit(line[i + 1]))
            {
                var end = i + 1;
                while (end < line.Length && char.IsAsciiDigit(line[end]))
                {
                    end++;
                }

                count += end < line.Length && line[end] is ')' or ']' ? 1 : 0;
            }
            else if (line[i] == ':' && line[i - 1] is 'r' or 'e' or 'a' &&
                (line[..(i + 1)].EndsWith(":pr:", StringComparison.Ordinal) || line[..(i + 1)].EndsWith(":issue:", StringComparison.Ordinal) ||
                 line[..(i + 1)].EndsWith(":ghsa:", StringComparison.Ordinal)) && line[i + 1] == '`')
            {
                count++;
            }
        }

        return count;
    }

    private static bool IsFirstPersonSingular(ReadOnlySpan<char> word) =>
        word is "I" or "I'm" or "I've" or "I'd" or "I'll" or "Im" ||
        word.Equals("my", StringComparison.OrdinalIgnoreCase) || word.Equals("me", StringComparison.OrdinalIgnoreCase) ||
        word.Equals("mine", StringComparison.OrdinalIgnoreCase);

    private static FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Words(string[] words) =>
        words.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
}

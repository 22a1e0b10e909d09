using System.Buffers;

namespace Daalu.Router.Classification.CodeDetection;

/// <summary>
/// Decides whether a text carries code, and why, with hand-written scanners only (no Regex, so no backtracking):
/// one pass for fences, one pass over the lines (<see cref="LineScanner"/>) and one pass over the words
/// (<see cref="PlainWords"/>). Every pass does a bounded amount of work per character, so the cost is linear in
/// the text's length; a pass stops at the first decisive signal. Thread-safe and stateless.
/// </summary>
/// <remarks>
/// Precision rules, so prose that merely mentions programming stays prose: keywords only count case-sensitively
/// at a line start (prose capitalises its first word), one code-looking line is not enough unless it is
/// unmistakable (<c>#include &lt;</c>, <c>def f(x):</c>, <c>console.log(</c>), a file name or an inline code span
/// is a weak signal that needs a second one, and plain-word requests need a code verb and a code object in the
/// same sentence (<c>write</c> + <c>program</c>, <c>fix</c> + <c>bug</c>), not a language name alone.
/// </remarks>
public static class CodeDetector
{
    private static readonly SearchValues<string> SqlOpeners = SearchValues.Create(
        ["select ", "update ", "insert into ", "create table ", "alter table ", "delete from ", "create index ", "drop table "],
        StringComparison.OrdinalIgnoreCase);

    /// <summary>The first decisive signal found in <paramref name="text"/>, or <see cref="CodeSignal.None"/>.</summary>
    public static CodeSignal Detect(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return CodeSignal.None;
        }

        if (HasCodeFence(text))
        {
            return CodeSignal.Fence;
        }

        if (HasInlineSql(text))
        {
            return CodeSignal.Sql;
        }

        var lines = new LineScanner();
        foreach (var line in text.EnumerateLines())
        {
            var signal = lines.Add(line);
            if (signal != CodeSignal.None)
            {
                return signal;
            }
        }

        var fromLines = lines.Finish();
        if (fromLines != CodeSignal.None)
        {
            return fromLines;
        }

        var words = PlainWords.Score(text);
        var discussion = false;
        if (words >= PlainWords.Request)
        {
            // Prose about programming that asks for nothing (a book's paragraph, a list of libraries): its code words are
            // its subject, not evidence of code, so they add nothing to the weak evidence below either.
            if (!DiscussionProse.Is(text))
            {
                return CodeSignal.CodeRequest;
            }

            discussion = true;
            words = 0;
        }

        // Weak evidence adds up: a file name and an inline span, or either next to a code word or one code line.
        var weak = lines.WeakPoints + (words >= PlainWords.Mention ? 1 : 0);
        if (lines.CodeLines >= 1 && weak >= 1)
        {
            return CodeSignal.Source;
        }

        // Names of files and code in prose that asks for nothing (a book's "the `Object.keys` function", a changelog's
        // "``flask run --key``") are its subject, as its code words are: weak evidence alone decides only where someone asks.
        if (weak >= 2 && lines.WeakPoints >= 1 && !((discussion || DiscussionProse.Is(text)) && DiscussionProse.IsProseShaped(text)))
        {
            return CodeSignal.FilePath;
        }

        // Last, and only adding: languages whose lines the rules above do not score (Lisp, Fortran, assembler, the ML
        // family) and texts whose lines are each weak but together code-shaped. Every verdict above is unchanged.
        return lines.Shapes(text);
    }

    // Fence info strings that announce prose, math or data rather than code; such a block is skipped.
    private static bool IsProseFence(ReadOnlySpan<char> tag) =>
        tag.Equals("text", StringComparison.OrdinalIgnoreCase) || tag.Equals("txt", StringComparison.OrdinalIgnoreCase) ||
        tag.Equals("plaintext", StringComparison.OrdinalIgnoreCase) || tag.Equals("plain", StringComparison.OrdinalIgnoreCase) ||
        tag.Equals("markdown", StringComparison.OrdinalIgnoreCase) || tag.Equals("md", StringComparison.OrdinalIgnoreCase) ||
        tag.Equals("latex", StringComparison.OrdinalIgnoreCase) || tag.Equals("tex", StringComparison.OrdinalIgnoreCase) ||
        tag.Equals("math", StringComparison.OrdinalIgnoreCase) || tag.Equals("csv", StringComparison.OrdinalIgnoreCase) ||
        tag.Equals("poem", StringComparison.OrdinalIgnoreCase) || tag.Equals("quote", StringComparison.OrdinalIgnoreCase);

    // A ``` or ~~~ fence whose info string is empty or names anything but prose. Openings and closings alternate;
    // only openings carry the info string, so a prose block's closing fence is skipped with it.
    private static bool HasCodeFence(ReadOnlySpan<char> text)
    {
        // Both markers are made of one of these characters: one vectorized search for either rules out most texts, where
        // two substring searches cost twice as much, and no marker starts before the first of them.
        var first = text.IndexOfAny('`', '~');
        return first >= 0 && (HasCodeFence(text, "```", first) || HasCodeFence(text, "~~~", first));
    }

    private static bool HasCodeFence(ReadOnlySpan<char> text, string marker, int start)
    {
        var position = start;
        while (position < text.Length)
        {
            var found = text[position..].IndexOf(marker, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            var after = position + found + marker.Length;
            // Longer fences (````) open the same way; skip the extra marker characters.
            while (after < text.Length && text[after] == marker[0])
            {
                after++;
            }

            var rest = text[after..];
            var lineEnd = rest.IndexOfAny('\n', '\r');
            var info = (lineEnd < 0 ? rest : rest[..lineEnd]).Trim();
            var tagEnd = info.IndexOfAny(' ', '{', '\t');
            var tag = tagEnd < 0 ? info : info[..tagEnd];
            if (!IsProseFence(tag))
            {
                // An opening fence needs something after it: a lone ``` at the end of a text is no block.
                return lineEnd >= 0 && rest[lineEnd..].Trim().Length > 0;
            }

            // A prose block: continue after its closing fence.
            var close = lineEnd < 0 ? -1 : rest[lineEnd..].IndexOf(marker, StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            position = after + lineEnd + close + marker.Length;
        }

        return false;
    }

    // "select * from orders ...", "select id, name from users ...": a column list that only SQL writes (a star, a comma,
    // a dotted or snake_case name) between select and from, at most 120 characters apart. "select the best from the
    // list" stays prose.
    private static bool HasLowerCaseSelect(ReadOnlySpan<char> text)
    {
        var position = 0;
        while (position < text.Length)
        {
            var found = text[position..].IndexOf("select ", StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return false;
            }

            var at = position + found + 7;
            position = at;
            var window = text.Slice(at, Math.Min(120, text.Length - at));
            var from = window.IndexOf(" from ", StringComparison.OrdinalIgnoreCase);
            if (from < 0)
            {
                continue;
            }

            var columns = window[..from].Trim();
            if (columns.SequenceEqual("*") || (columns.IndexOfAny(",._(") >= 0 && !columns.Contains("  ", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    // Upper-case SQL anywhere in a line of prose ("why is SELECT * FROM orders WHERE ... slow?"): SELECT followed by
    // FROM within 400 characters, or an unmistakable statement opener. Case-sensitive, so "select from the menu"
    // stays prose.
    private static bool HasInlineSql(ReadOnlySpan<char> text)
    {
        // Every rule below needs one of these words, in some case: one vectorized search rules most texts out.
        if (!text.ContainsAny(SqlOpeners))
        {
            return false;
        }

        var position = 0;
        while (position < text.Length)
        {
            var found = text[position..].IndexOf("SELECT ", StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            var at = position + found + 7;
            var window = text.Slice(at, Math.Min(400, text.Length - at));
            if (window.IndexOf(" FROM ", StringComparison.Ordinal) >= 0 || window.StartsWith("* FROM", StringComparison.Ordinal) ||
                window.IndexOf("\nFROM ", StringComparison.Ordinal) >= 0)
            {
                return true;
            }

            position = at;
        }

        if (HasLowerCaseSelect(text))
        {
            return true;
        }

        var update = text.IndexOf("UPDATE ", StringComparison.Ordinal);
        if (update >= 0)
        {
            var window = text.Slice(update, Math.Min(300, text.Length - update));
            if (window.Contains(" SET ", StringComparison.Ordinal) && (window.Contains(" WHERE ", StringComparison.Ordinal) || window.Contains('=')))
            {
                return true;
            }
        }

        return text.Contains("INSERT INTO ", StringComparison.Ordinal) || text.Contains("CREATE TABLE ", StringComparison.Ordinal) ||
            text.Contains("ALTER TABLE ", StringComparison.Ordinal) || text.Contains("DELETE FROM ", StringComparison.Ordinal) ||
            text.Contains("CREATE INDEX ", StringComparison.Ordinal) || text.Contains("DROP TABLE ", StringComparison.Ordinal);
    }
}

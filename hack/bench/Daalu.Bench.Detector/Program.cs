// Daalu.Bench.Detector: this tree's code detector against a baseline commit's (extracted by
// hack/bench/detector-equivalence.sh into obj/baseline, namespace Daalu.Bench.Detector.Baseline).
//   equivalence <fixture dir> <files.jsonl ...>   verdict + signal + heuristic rating of both over every text
//   passes                                         the baseline's passes timed one by one on the benchmark bodies
//   bench [BenchmarkDotNet args]                   the heuristic stage of both side by side in one run
using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Running;
using Daalu.Bench.Detector;
using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;
using Baseline = Daalu.Bench.Detector.Baseline;
using Current = Daalu.Bench.Detector.Current;

switch (args.Length > 0 ? args[0] : "")
{
    case "equivalence":
        return Equivalence(args[1], args[2..]);
    case "passes":
        Passes();
        return 0;
    case "corpus":
        Corpus(args[1..]);
        return 0;
    case "bench":
        BenchmarkSwitcher.FromTypes([typeof(HeuristicStageBeforeAfter)]).Run(args[1..]);
        return 0;
    default:
        Console.Error.WriteLine("usage: equivalence <fixture dir> <files.jsonl ...> | passes | bench [args]");
        return 2;
}

static int Equivalence(string fixtures, string[] files)
{
    var difficulty = new DifficultyClassifier(DifficultyModel.Shipped, TimeProvider.System);
    var texts = new List<(string Source, string Text)>();
    foreach (var file in files)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (line.Length > 0 && JsonDocument.Parse(line).RootElement.TryGetProperty("text", out var text))
            {
                texts.Add((Path.GetFileName(file), text.GetString() ?? ""));
            }
        }
    }

    foreach (var file in Directory.GetFiles(fixtures, "*.txt"))
    {
        // Each record whole and each of its turns ("--- role" lines split them), as EvaluationSet reads them.
        foreach (var record in File.ReadAllText(file).Split("\n=== "))
        {
            var body = record[(record.IndexOf('\n', StringComparison.Ordinal) + 1)..];
            texts.Add((Path.GetFileName(file), body));
            foreach (var turn in body.Split("\n--- "))
            {
                texts.Add((Path.GetFileName(file), turn[(turn.IndexOf('\n', StringComparison.Ordinal) + 1)..]));
            }
        }
    }

    // Variants that move every boundary the mechanics care about: slices at random offsets (a line or a word cut in two,
    // no trailing newline), two texts joined, CRLF line ends, upper- and lower-cased copies.
    var random = new Random(18);
    var originals = texts.Count;
    for (var i = 0; i < originals; i++)
    {
        var (source, text) = texts[i];
        if (text.Length > 2)
        {
            var a = random.Next(text.Length);
            var b = random.Next(a, text.Length + 1);
            texts.Add((source + "/slice", text[a..b]));
        }

        texts.Add((source + "/join", text + "\n" + texts[random.Next(originals)].Text));
        if (i % 4 == 0)
        {
            texts.Add((source + "/crlf", text.Replace("\n", "\r\n", StringComparison.Ordinal)));
            texts.Add((source + "/upper", text.ToUpperInvariant()));
            texts.Add((source + "/lower", text.ToLowerInvariant()));
        }
    }

    var verdicts = 0;
    var signals = 0;
    var ratings = 0;
    var code = 0;
    var bySignal = new SortedDictionary<string, int>(StringComparer.Ordinal);
    foreach (var (source, text) in texts)
    {
        var before = Baseline.CodeDetector.Detect(text);
        var after = CodeDetector.Detect(text);
        var beforeName = before.ToString();
        var afterName = after.ToString();
        verdicts += (before != Baseline.CodeSignal.None) != (after != CodeSignal.None) ? 1 : 0;
        signals += beforeName != afterName ? 1 : 0;
        code += after != CodeSignal.None ? 1 : 0;
        bySignal[afterName] = bySignal.GetValueOrDefault(afterName) + 1;
        var input = new ComplexityInput(text, text.Length, 1, false, false);
        var ratingBefore = difficulty.RateHeuristic(text, Enum.Parse<CodeSignal>(beforeName), in input);
        var ratingAfter = difficulty.RateHeuristic(text, after, in input);
        ratings += ratingBefore != ratingAfter ? 1 : 0;
        if (beforeName != afterName && signals <= 20)
        {
            Console.WriteLine($"DIFF {source}: {beforeName} -> {afterName}: {text[..Math.Min(120, text.Length)].ReplaceLineEndings(" ")}");
        }
    }

    Console.WriteLine($"texts {texts.Count} ({originals} as read, {texts.Count - originals} variants); code {code}; " +
        $"verdict differences {verdicts}; signal differences {signals}; heuristic rating differences {ratings}");
    Console.WriteLine("signals: " + string.Join(", ", bySignal.Select(p => $"{p.Key} {p.Value}")));
    return verdicts + signals + ratings == 0 ? 0 : 1;
}

// Texts of at least 1,000 characters in which the baseline finds no code (long prose, as the benchmark's body but
// real): the time of each detector over all of them, and of each of this tree's passes.
static void Corpus(string[] files)
{
    var texts = new List<string>();
    foreach (var file in files)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (line.Length > 0 && JsonDocument.Parse(line).RootElement.TryGetProperty("text", out var element) &&
                element.GetString() is { Length: >= 1000 } text && Baseline.CodeDetector.Detect(text) == Baseline.CodeSignal.None)
            {
                texts.Add(text);
            }
        }
    }

    var characters = texts.Sum(t => (long)t.Length);
    Console.WriteLine($"{texts.Count} texts, {characters} characters, no code; microseconds per 7,000 characters:");
    void Total(string what, Func<string, bool> pass)
    {
        var sink = false;
        var best = double.MaxValue;

        // Warm-up: tiered compilation promotes a method after 30 calls and a background delay.
        var warm = ThreadClock.Now();
        while (ThreadClock.Now() - warm < 300_000_000)
        {
            foreach (var text in texts)
            {
                sink ^= pass(text);
            }
        }

        for (var round = 0; round < 7; round++)
        {
            var start = ThreadClock.Now();
            foreach (var text in texts)
            {
                sink ^= pass(text);
            }

            best = Math.Min(best, (ThreadClock.Now() - start) / 1_000.0 * 7_000 / characters);
        }

        Console.WriteLine($"  {what,-40} {best,8:F3}{(sink ? "" : " ")}");
    }

    foreach (var text in texts)
    {
        for (var i = 0; i < 200; i++)
        {
            Current.CodeDetector.Detect(text);
        }
    }

    Thread.Sleep(500);
    var perText = texts.Select(t =>
    {
        var best = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var start = ThreadClock.Now();
            Current.CodeDetector.Detect(t);
            best = Math.Min(best, ThreadClock.Now() - start);
        }

        return (Text: t, NsPerChar: (double)best / t.Length);
    }).OrderByDescending(p => p.NsPerChar).ToList();
    foreach (var (text, ns) in perText.Take(5))
    {
        Console.WriteLine($"  {ns:F1} ns/char, {text.Length} chars: {text[..Math.Min(100, text.Length)].ReplaceLineEndings(" ")}");
    }

    Total("Detect (baseline)", t => Baseline.CodeDetector.Detect(t) == Baseline.CodeSignal.None);
    Total("Detect (this tree)", t => Current.CodeDetector.Detect(t) == Current.CodeSignal.None);
    Total("fences", t => Current.CodeDetector.HasCodeFence(t));
    Total("inline SQL", t => Current.CodeDetector.HasInlineSql(t));
    Total("LineScanner.Add + Finish", t =>
    {
        var lines = new Current.LineScanner();
        foreach (var line in t.AsSpan().EnumerateLines())
        {
            lines.Add(line);
        }

        return lines.Finish() == Current.CodeSignal.None;
    });
    Total("PlainWords.MayScore", t => Current.PlainWords.MayScore(t));
    Total("PlainWords.Score", t => Current.PlainWords.Score(t) > 0);
    Total("DiscussionProse.Is (where Score = 2)", t => Current.PlainWords.Score(t) >= 2 && Current.DiscussionProse.Is(t));
    Total("Shapes (Add + Shapes)", t =>
    {
        var lines = new Current.LineScanner();
        foreach (var line in t.AsSpan().EnumerateLines())
        {
            lines.Add(line);
        }

        return lines.Shapes(t) == Current.CodeSignal.None;
    });
    void Lines(string what, Func<string, bool> rule, int maxLength = int.MaxValue)
    {
        Total(what, t =>
        {
            var any = false;
            foreach (var raw in t.AsSpan().EnumerateLines())
            {
                var line = raw.Trim();
                if (!line.IsEmpty && line.Length <= maxLength)
                {
                    any ^= rule(line.ToString());
                }
            }

            return any;
        });
    }

    Lines("  per line: ToString only", _ => true);
    Lines("  ShellPromptLine", l => Current.LineScanner.ShellPromptLine(l));
    Lines("  ExceptionNameInLine", l => Current.LineScanner.ExceptionNameInLine(l));
    Lines("  InlineCommandWithFlag (with \" -\")", l => l.Contains(" -", StringComparison.Ordinal) && Current.LineScanner.InlineCommandWithFlag(l));
    Lines("  SqlLine", l => Current.LineScanner.SqlLine(l));
    Lines("  LinePoints", l => Current.LineScanner.LinePoints(l) > 0);
    Lines("  WeakEvidence", l => Current.LineScanner.WeakEvidence(l) > 0);
    Lines("  Lisp", l => Current.LanguageShapes.Lisp(l) > 0, 200);
    Lines("  Fortran", l => Current.LanguageShapes.Fortran(l, l), 200);
    Lines("  Assembly", l => Current.LanguageShapes.Assembly(l) > 0, 200);
    Lines("  MlFamily", l => Current.LanguageShapes.MlFamily(l), 200);
    Lines("  Hcl", l => Current.LanguageShapes.Hcl(l), 200);
    Lines("  Cobol", l => Current.LanguageShapes.Cobol(l), 200);
    Lines("  Forth", l => Current.LanguageShapes.Forth(l) > 0, 200);
    Lines("  Structure", l => Current.LanguageShapes.Structure(l), 200);
    Console.WriteLine($"  word pass scores: {string.Join(", ", texts.GroupBy(t => Current.PlainWords.Score(t)).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))}");
}

static void Passes()
{
    foreach (var name in new[] { "short", "chat", "long", "prose" })
    {
        var text = HeuristicStageBeforeAfter.LastUserText(name);
        Console.WriteLine($"{name} ({text.Length} chars):");
        Time("  Detect (baseline)", () => Baseline.CodeDetector.Detect(text) == Baseline.CodeSignal.None);
        Time("  Detect (this tree)", () => CodeDetector.Detect(text) == CodeSignal.None);
        Time("  fences", () => Baseline.CodeDetector.HasCodeFence(text));
        Time("  inline SQL", () => Baseline.CodeDetector.HasInlineSql(text));
        Time("  LineScanner.Add per line", () =>
        {
            var lines = new Baseline.LineScanner();
            foreach (var line in text.AsSpan().EnumerateLines())
            {
                lines.Add(line);
            }

            return lines.Finish() == Baseline.CodeSignal.None;
        });
        Time("  EnumerateLines + Trim only", () =>
        {
            var n = 0;
            foreach (var line in text.AsSpan().EnumerateLines())
            {
                n += line.Trim().Length;
            }

            return n > 0;
        });
        Time("  PlainWords.Score", () => Baseline.PlainWords.Score(text) > 0);
        Time("  PlainWords.MayScore", () => Baseline.PlainWords.MayScore(text));
        Time("  DiscussionProse.Is", () => Baseline.DiscussionProse.Is(text));
        Time("  Shapes (after Add)", () =>
        {
            var lines = new Baseline.LineScanner();
            foreach (var line in text.AsSpan().EnumerateLines())
            {
                lines.Add(line);
            }

            return lines.Shapes(text) == Baseline.CodeSignal.None;
        });
        Time("  (this tree) fences", () => Current.CodeDetector.HasCodeFence(text));
        Time("  (this tree) inline SQL", () => Current.CodeDetector.HasInlineSql(text));
        Time("  (this tree) LineScanner.Add per line", () =>
        {
            var lines = new Current.LineScanner();
            foreach (var line in text.AsSpan().EnumerateLines())
            {
                lines.Add(line);
            }

            return lines.Finish() == Current.CodeSignal.None;
        });
        Time("  (this tree) EnumerateLines + Trim only", () =>
        {
            var n = 0;
            foreach (var line in text.AsSpan().EnumerateLines())
            {
                n += line.Trim().Length;
            }

            return n > 0;
        });
        Time("  (this tree) PlainWords.Score", () => Current.PlainWords.Score(text) > 0);
        Time("  (this tree) PlainWords.MayScore", () => Current.PlainWords.MayScore(text));
        Time("  (this tree) DiscussionProse.Is", () => Current.DiscussionProse.Is(text));
        Time("  (this tree) Shapes (after Add)", () =>
        {
            var lines = new Current.LineScanner();
            foreach (var line in text.AsSpan().EnumerateLines())
            {
                lines.Add(line);
            }

            return lines.Shapes(text) == Current.CodeSignal.None;
        });
        if (name == "prose")
        {
            var t = text.AsSpan().Trim().ToString();
            var bits = new ulong[(t.Length + 63) / 64];
            Time("    (this tree) LetterOrDigitBits", () => { Array.Clear(bits); Current.PlainWords.LetterOrDigitBits(t, bits); return bits[0] != 0; });
            Time("    (this tree) AnyScoringToken", () => Current.PlainWords.AnyScoringToken(t, bits));
            Time("    token starts only", () =>
            {
                var n = 0;
                for (var w = 0; w < bits.Length; w++)
                {
                    n += System.Numerics.BitOperations.PopCount(bits[w] & ~((bits[w] << 1) | (w > 0 ? bits[w - 1] >> 63 : 0)));
                }

                return n > 0;
            });
            Time("    token starts+ends walk", () =>
            {
                var n = 0;
                for (var w = 0; w < bits.Length; w++)
                {
                    var starts = bits[w] & ~((bits[w] << 1) | (w > 0 ? bits[w - 1] >> 63 : 0));
                    while (starts != 0)
                    {
                        var bit = System.Numerics.BitOperations.TrailingZeroCount(starts);
                        starts &= starts - 1;
                        var rest = ~bits[w] & (ulong.MaxValue << bit);
                        var k = w;
                        while (rest == 0 && ++k < bits.Length)
                        {
                            rest = ~bits[k];
                        }

                        n += (k * 64) + System.Numerics.BitOperations.TrailingZeroCount(rest) - bit;
                    }
                }

                return n > 0;
            });
            Time("    (this tree) ShellPromptLine", () => Current.LineScanner.ShellPromptLine(t));
            Time("    (this tree) ExceptionHeader", () => Current.LineScanner.ExceptionHeader(t));
            Time("    (this tree) ExceptionNameInLine", () => Current.LineScanner.ExceptionNameInLine(t));
            Time("    (this tree) CommandLine", () => Current.LineScanner.CommandLine(t) > 0);
            Time("    (this tree) InlineCommandWithFlag", () => Current.LineScanner.InlineCommandWithFlag(t));
            Time("    (this tree) LinePoints", () => Current.LineScanner.LinePoints(t) > 0);
            Time("    (this tree) RubyBlock", () => Current.LineScanner.RubyBlock(t));
            Time("    (this tree) MemberAccess", () => Current.LineScanner.MemberAccess(t));
            Time("    (this tree) MethodCall", () => Current.LineScanner.MethodCall(t));
            Time("    (this tree) WeakEvidence", () => Current.LineScanner.WeakEvidence(t) > 0);
            Time("    (this tree) SourceFileNames", () => Current.LineScanner.SourceFileNames(t) > 0);
            Time("    (this tree) HasCodeIdentifier", () => Current.LineScanner.HasCodeIdentifier(t));
            Time("    (baseline) MemberAccess", () => Baseline.LineScanner.MemberAccess(t));
            Time("    (baseline) SourceFileNames", () => Baseline.LineScanner.SourceFileNames(t) > 0);
            Time("    (baseline) HasCodeIdentifier", () => Baseline.LineScanner.HasCodeIdentifier(t));
            var ops = System.Buffers.SearchValues.Create(["==", "!=", "&&", "||", "::", "+=", "-=", "++", ":=", "();", "<<", "[]"], StringComparison.Ordinal);
            var arrows = System.Buffers.SearchValues.Create(["->", "=>", "</", "/>", "{ |", "&:"], StringComparison.Ordinal);
            var marks = System.Buffers.SearchValues.Create("_ABCDEFGHIJKLMNOPQRSTUVWXYZ");
            var sql = System.Buffers.SearchValues.Create(["select ", "update ", "insert into ", "create table ", "alter table ", "delete from ", "create index ", "drop table "], StringComparison.OrdinalIgnoreCase);
            var rare = System.Buffers.SearchValues.Create("{}[]();=<>`@_|&:!+#$*~\\/\"'");
            Time("    ContainsAny(Operators)", () => text.AsSpan().ContainsAny(ops));
            var union = System.Buffers.SearchValues.Create(["==", "!=", "&&", "||", "::", "+=", "-=", "++", ":=", "();", "<<", "[]", "->", "=>", "</", "/>", "{ |", "&:", "{ |", "do |"], StringComparison.Ordinal);
            Time("    ContainsAny(union)", () => text.AsSpan().ContainsAny(union));
            Time("    ContainsAny(Arrows)", () => text.AsSpan().ContainsAny(arrows));
            Time("    ContainsAny(SqlOpeners)", () => text.AsSpan().ContainsAny(sql));
            Time("    IndexOf(Error:)", () => text.AsSpan().IndexOf("Error:", StringComparison.Ordinal) >= 0);
            Time("    IndexOf(```)", () => text.AsSpan().IndexOf("```", StringComparison.Ordinal) >= 0);
            Time("    IndexOf('@')", () => text.AsSpan().IndexOf('@') >= 0);
            Time("    IndexOfAny(rare)", () => text.AsSpan().IndexOfAny(rare) >= 0);
            Time("    IndexOfAny('`','~')", () => text.AsSpan().IndexOfAny('`', '~') >= 0);
            Time("    count IndexOfAny(marks)", () => { var n = 0; var t = text.AsSpan(); var i = t.IndexOfAny(marks); while (i >= 0) { n++; t = t[(i + 1)..]; i = t.IndexOfAny(marks); } return n > 0; });
            Time("    count IndexOf('.')", () => { var n = 0; var t = text.AsSpan(); var i = t.IndexOf('.'); while (i >= 0) { n++; t = t[(i + 1)..]; i = t.IndexOf('.'); } return n > 0; });
            Time("    ToLowerInvariant 4096", () => { Span<char> l = stackalloc char[4096]; return text.AsSpan(0, 4096).ToLowerInvariant(l) > 0; });
        }

        var difficulty = new DifficultyClassifier(DifficultyModel.Shipped, TimeProvider.System);
        var input = new ComplexityInput(text, text.Length, 1, false, false);
        Time("  RateHeuristic", () => difficulty.RateHeuristic(text, CodeSignal.None, in input).Rating > 0);
    }
}

// Thread CPU time (CLOCK_THREAD_CPUTIME_ID), not wall-clock: on the shared, loaded cores a wall-clock round also
// counts the time this thread waited for a core.
static void Time(string what, Func<bool> pass)
{
    var sink = false;
    for (var i = 0; i < 20_000; i++)
    {
        sink ^= pass();
    }

    var best = double.MaxValue;
    for (var round = 0; round < 25; round++)
    {
        var start = ThreadClock.Now();
        for (var i = 0; i < 1_000; i++)
        {
            sink ^= pass();
        }

        best = Math.Min(best, (ThreadClock.Now() - start) / 1_000.0 / 1_000);
    }

    Console.WriteLine($"{what,-44} {best,8:F3} us{(sink ? "" : " ")}");
}

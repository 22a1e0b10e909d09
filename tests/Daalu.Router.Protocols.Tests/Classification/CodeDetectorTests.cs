using System.Diagnostics;
using Daalu.Router.Classification.CodeDetection;

namespace Daalu.Router.Protocols.Tests.Classification;

// Development examples for the detector (the held-out figures come from Evaluation/, which these do not repeat).
public class CodeDetectorTests
{
    public static TheoryData<string, CodeSignal> CodeBearing => new()
    {
        { "look:\n```\nx := 1\n```", CodeSignal.Fence },
        { "```py\nprint('hi')\n```", CodeSignal.Fence },
        { "~~~\nfoo();\n~~~", CodeSignal.Fence },
        { "#include <stdio.h>\nint main() { return 0; }", CodeSignal.Source },
        { "why is this ignored?\n.card {\n  display: flex;\n  margin-left: 0;\n}", CodeSignal.Source },
        { "#pragma once\nstruct Point;", CodeSignal.Source },
        { "extern \"C\" {\nvoid init(void);", CodeSignal.Source },
        { "def area(r):\n    return 3.14 * r * r", CodeSignal.Source },
        { "public static void main(String[] args) {", CodeSignal.Source },
        { "let total = items.map(i => i.price);\nconsole.log(total);", CodeSignal.Source },
        { "fn main() {\n    println!(\"hi\");\n}", CodeSignal.Source },
        { "<ul>\n<li>one</li>\n</ul>", CodeSignal.Source },
        { "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c", CodeSignal.Diff },
        { "--- a/main.go\n+++ b/main.go\n-x\n+y", CodeSignal.Diff },
        { "Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>", CodeSignal.StackTrace },
        { "I keep getting AttributeError: 'NoneType' object has no attribute 'get'", CodeSignal.StackTrace },
        { "error\n    at Object.run (/srv/app/index.js:4:11)\n    at Module._compile (node:internal/modules/cjs/loader:1101:14)", CodeSignal.StackTrace },
        { "it throws java.util.ConcurrentModificationException when I remove", CodeSignal.StackTrace },
        { "goroutine 7 [select]:\nmain.loop()", CodeSignal.StackTrace },
        { "$ ls -la\ntotal 0", CodeSignal.ShellSession },
        { "root@web-1:/var/log# tail -f syslog", CodeSignal.ShellSession },
        { "docker run --rm -it alpine sh", CodeSignal.ShellSession },
        { "SELECT id FROM t WHERE x = 1", CodeSignal.Sql },
        { "why is select * from orders where paid = false so slow", CodeSignal.Sql },
        { "apiVersion: v1\nkind: ConfigMap", CodeSignal.Config },
        { "{\n  \"name\": \"x\",\n  \"version\": \"1.0.0\"\n}", CodeSignal.Config },
        { "[server]\nport = 8080\nhost = \"0.0.0.0\"", CodeSignal.Config },
        { "FROM alpine:3.20\nRUN apk add curl", CodeSignal.Config },
        { "the crash is in lib/parser.rs, see `Parser::next()`", CodeSignal.FilePath },
        { "Write a C++ program that prints the first 10 primes.", CodeSignal.CodeRequest },
        { "fix this bug please", CodeSignal.CodeRequest },
        { "why does this function return null?", CodeSignal.CodeRequest },
        { "How do I sort a dict by value in Python?", CodeSignal.CodeRequest },
        { "Implement a trie.", CodeSignal.CodeRequest },
        { "my code doesn't work", CodeSignal.CodeRequest },
    };

    public static TheoryData<string> Prose => new()
    {
        "What is the capital of France?",
        "She works between 8 a.m. and 11 a.m. and pauses for half an hour, e.g. for lunch. How much does she earn?",
        "Shopping list: flour, eggs;\nbutter: two blocks;",
        "I love Python and Java, they are my favourite islands to visit... just kidding, snakes and coffee!",
        "My daughter wants to study computer science. Which universities are good?",
        "Solve 2x + 3 = 11 and explain.",
        "f(x) = x^2 + 1; find f(3).",
        "Recipe: mix 2 cups flour; add 1 egg; bake at 180°C for 20 minutes.",
        "- apples\n- pears\n- bread",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "Visit https://example.com/docs/index.html or mail me at bob@example.com.",
        "For example, if you want to go, let me know by Friday.",
        "Write a poem about the Rust Belt in winter.",
        "Explain the function of the kidneys.",
        "Create a class schedule for my yoga studio.",
        "Give me some pointers on my essay.",
        "Note: the meeting moved.\nAgenda: budget, hiring.",
        "Error: the page you requested was not found. What does that mean for my order?",
        "Make a list of ten fruits.",
        "I started learning to code this year, any podcast suggestions?",
        "",
        "ok",
    };

    [Theory]
    [MemberData(nameof(CodeBearing))]
    public void Detect_CodeBearingText_ReturnsItsSignal(string text, CodeSignal expected)
    {
        Assert.Equal(expected, CodeDetector.Detect(text));
    }

    [Theory]
    [MemberData(nameof(Prose))]
    public void Detect_Prose_ReturnsNone(string text)
    {
        Assert.Equal(CodeSignal.None, CodeDetector.Detect(text));
    }

    [Fact]
    public void Detect_ProseFencedAsText_IsNotCode()
    {
        Assert.Equal(CodeSignal.None, CodeDetector.Detect("Quote:\n```text\nThe rain in Spain.\n```\nWho said it?"));
    }

    public static TheoryData<string> Adversarial => new()
    {
        "a.",
        "(",
        "```text\n",
        "SELECT ",
        "at a.b(",
        "Error:",
        "x_y ",
        "$ a\n",
        "\"k\": 1\n",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "write ",
        "--- a/",
        "<a ",
        "`",
        "a.py ",
        "@@ -",
    };

    // A quadratic scanner would need minutes for a megabyte of these (5 * 10^11 steps); a linear one takes well under a
    // second on an idle core and a few seconds on the shared 2-core machine under a full build. The bound is generous
    // on purpose: it catches blow-ups, not slowdowns (BenchmarkDotNet measures those: hack/bench/Daalu.Bench.Micro).
    [Theory]
    [MemberData(nameof(Adversarial))]
    public void Detect_MegabyteOfRepeatedPattern_FinishesInLinearTime(string unit)
    {
        var text = string.Concat(Enumerable.Repeat(unit, (1 << 20) / unit.Length));
        var clock = Stopwatch.StartNew();
        _ = CodeDetector.Detect(text);
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{clock.Elapsed} for 1 MiB of '{unit}'");
    }

    [Fact]
    public void Detect_CodeAfterMegabyteOfProse_IsStillFound()
    {
        var text = string.Concat(Enumerable.Repeat("The committee met on Tuesday. ", 40_000)) + "\n```go\nfunc f() {}\n```";

        Assert.Equal(CodeSignal.Fence, CodeDetector.Detect(text));
    }
}

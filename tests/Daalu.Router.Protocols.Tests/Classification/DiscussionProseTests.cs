using Daalu.Router.Classification.CodeDetection;

namespace Daalu.Router.Protocols.Tests.Classification;

// Prose about programming that asks for nothing (DiscussionProse, issue 18's third pass): its plain-word verdict counts
// as a mention only. Examples written for these tests; the rule was developed on hack/classifier/dev's technical prose
// (getify/You-Dont-Know-JS, golang/proposal) and lists of resources (vinta/awesome-python, sindresorhus/awesome).
public class DiscussionProseTests
{
    public static TheoryData<string> Discussion => new()
    {
        "Most JS code in production is transpiled. That means most of it already runs in strict mode.",
        "The Go compiler inlines small functions. Mid-stack inlining extends this to functions that call others.",
        "- [requests](https://example.org/requests) - HTTP library for Python.\n- [httpx](https://example.org/httpx) - An async HTTP client for Python.",
        "Closures are a core part of JavaScript. Every function in JS keeps a reference to its scope.",
    };

    public static TheoryData<string> Requests => new()
    {
        "Write a Python function that reverses a list.",
        "How do closures work in JavaScript? I keep getting undefined.",
        "My Python script crashes on large files. It reads the whole file into memory.",
        "I have a Go function that leaks goroutines. It never closes the channel.",
        "Can you port this Python library to Rust. It has three modules.",
        "Explain the JS event loop. Use a short example.",
        "The Python class below never frees its cache",
    };

    // Twelfth session (hack/classifier/prose-dev: books, changelogs, commit subjects, docstrings, lists of titles). Each
    // statement or title below has a near twin in StatementTwinRequests that someone asks, which must stay code.
    public static TheoryData<string> Statements => new()
    {
        // One sentence that states what code does.
        "This function returns the list sorted by date.",
        "The Python class below keeps its cache between calls.",
        // Change records: changelog entries and commit subjects carry an issue or pull request reference.
        "Fix two docstring crashes (#3451)",
        "- Add support for the new Python 3.12 f-string syntax introduced by PEP 701 (#3822)",
        "- Fix a bug in ``safe_join`` on Windows. :pr:`5344`",
        "- Add support for NO_COLOR to disable ANSI output (#5129)\n- Fix a crash when the\n  --target-version flag is given (#5167)",
        // Lists of titles: a link's text is a title whatever its first word; a '?' inside a link target asks nothing.
        "- [Write Great Code, Volume 1](https://example.org/wgc) - Randall Hyde\n- [Learn You a Haskell for Great Good!](https://example.org/lyah)\n- [Programming in Python 3](https://example.org/py3)",
        "- [Modern C++ Course (2018) - Bonn University](https://www.youtube.com/playlist?list=PLgnQpQtFTOGR5)\n- [Algorithms: Design and Analysis - Stanford University](https://www.youtube.com/playlist?list=PLXFMmlk03Dt7Q)",
        "* [oxipng](https://example.org/oxipng) - Multithreaded PNG optimizer written in Rust. [![Build Status](https://example.org/badge.svg)](https://example.org/actions?query=branch)\n* [Imager](https://example.org/imager) - Automated image optimization library.",
        // A letter glued to digits in a link ("...cI8I3oJ") is no first person; '?' in inline code or a link's text asks nothing.
        "- [CS 159 Algorithm Design - Caltech](https://example.org/lectures?authuser=0) [Spring 2020](https://example.org/playlist?list=PLuz4CTPOcI8I3oJ)\n- [CS 61B - Data Structures (Java) - UC Berkeley](https://example.org/61b)",
        "The expression `a?.b` means the same as `a.b` when `a` holds an object. We'll discuss the details in [Chapter ?](object).",
        // An item that opens with a name ("[Folyd/robotstxt](...) - Port of ...") opens with no imperative.
        "* [Folyd/robotstxt](https://example.org/robotstxt) - Port of Google's robots.txt parser and matcher C++ library\n* [firecrawl/pdf-inspector](https://example.org/pdf) - Fast Rust library for PDF text extraction.",
        // "When ..." opens a clause of prose, not a request.
        "When the program receives a new task, it assigns one of the threads in the pool to the task. The Python thread pool works the same way.",
        // Inline code spans and file names in prose that asks for nothing.
        "The `map` method transforms an array. It calls the `fn` callback on every element in `src/util.js`.",
    };

    public static TheoryData<string, CodeSignal> StatementTwinRequests => new()
    {
        { "Write a Python function that returns the list sorted by date.", CodeSignal.CodeRequest },
        { "A Python function that returns the list sorted by date.", CodeSignal.CodeRequest },
        { "write a python function that sorts a list by date", CodeSignal.CodeRequest },
        { "This function returns null when the list is empty.", CodeSignal.CodeRequest },
        { "This Python script should print the list sorted by date.", CodeSignal.CodeRequest },
        { "The Python class below never frees its cache", CodeSignal.CodeRequest },
        { "Fix the two docstring crashes in my parser", CodeSignal.CodeRequest },
        { "fix the bug in my login handler", CodeSignal.CodeRequest },
        { "- Fix a bug in ``safe_join`` on Windows.", CodeSignal.CodeRequest },
        { "how do I reverse a linked list in C", CodeSignal.CodeRequest },
        { "- Write a function that reads `data.csv`\n- Add unit tests in tests/test_data.py", CodeSignal.CodeRequest },
        { "I call `map` on my array in `src/util.js` and it returns undefined. What is wrong?", CodeSignal.CodeRequest },
        { "Refactor `parse_args` in src/cli.py. The function is too long.", CodeSignal.FilePath },
        { "Use `Object.keys` in src/app.js. Then sort the keys.", CodeSignal.FilePath },
        { "Implement a cache in Go. It should evict the least recently used key.", CodeSignal.CodeRequest },
        { "When I run my Python script it prints nothing. The thread pool never starts.", CodeSignal.CodeRequest },
        { "The expression `a?.b` fails in my Python code. Why?", CodeSignal.CodeRequest },
        { "Port Google's robots.txt parser from C++ to a Rust library.", CodeSignal.CodeRequest },
        { "Insert and search for numbers in a binary tree. When we need sorted data, an array does not make a good data structure.", CodeSignal.CodeRequest },
    };

    [Theory]
    [MemberData(nameof(Statements))]
    public void Detect_StatementsChangeRecordsAndTitles_StayProse(string text)
    {
        Assert.True(DiscussionProse.Is(text));
        Assert.Equal(CodeSignal.None, CodeDetector.Detect(text));
    }

    [Theory]
    [MemberData(nameof(StatementTwinRequests))]
    public void Detect_NearTwinsThatAsk_StayCode(string text, CodeSignal expected)
    {
        Assert.False(DiscussionProse.Is(text));
        Assert.Equal(expected, CodeDetector.Detect(text));
    }

    [Theory]
    [InlineData("   character <- new_character()\n   expect_s3_class(character, \"character\")\n   expect_true(character$strength %in% 3:18)")]
    [InlineData("- `:ordered_set` - An ETS table will be of the `:ordered_set` type.\n    - `:named_table`\n    - `:name`")]
    [InlineData("/// Converts a bit array to a string.\n/// Returns an error if the `bits` are invalid UTF-8 data.\n@external(javascript, \"../stdlib.mjs\", \"bit_array_to_string\")")]
    public void IsProseShaped_CodeWindowsWithCommentsAndIdentifiers_IsFalse(string text)
    {
        // These windows of set G / the development set read as sentences to Is (no opener, no question), so their weak
        // evidence must not be set aside: IsProseShaped keeps them code.
        Assert.False(DiscussionProse.IsProseShaped(text));
        Assert.NotEqual(CodeSignal.None, CodeDetector.Detect(text));
    }

    [Theory]
    [InlineData("- -\n- --\n* *")]
    [InlineData("-")]
    [InlineData("- [x](")]
    public void IsProseShaped_DegenerateListItems_DoesNotThrow(string text)
    {
        _ = DiscussionProse.IsProseShaped(text);
        _ = DiscussionProse.Is(text);
        Assert.Equal(CodeDetector.Detect(text), CodeDetector.Detect(text));
    }

    [Fact]
    public void IsProseShaped_HeadingsAndLinkItemsOfAList_IsTrue()
    {
        Assert.True(DiscussionProse.IsProseShaped("* Continuous Integration\n  * [trust](https://example.org/trust) - A CI template to test your crate\n* AWS [[aws](https://example.org/aws)]"));
    }

    [Fact]
    public void Is_QuestionMarkOutsideALink_IsNotProse()
    {
        Assert.False(DiscussionProse.Is("- [Rust](https://example.org/?q=rust) - A language.\n- Which one is faster? Go or Rust."));
        Assert.True(DiscussionProse.Is("- [Rust](https://example.org/?q=rust) - A language.\n- [Go](https://example.org/?q=go) - Another language."));
    }

    [Fact]
    public void Is_ReferenceOnFewerItemsThanListed_IsNotARecord()
    {
        // One referenced entry does not make a list of imperatives a changelog.
        Assert.False(DiscussionProse.Is("- Fix the login handler (#12)\n- Write a test for it\n- Add a Python script that seeds the database"));
    }

    [Fact]
    public void Is_CommentedOutAssignments_IsNotProse()
    {
        Assert.False(DiscussionProse.Is("# Modules that this Python module needs\n# RequiredModules = @()\n# Files run before the module loads"));
    }

    [Theory]
    [MemberData(nameof(Discussion))]
    public void Detect_ProseAboutProgrammingThatAsksForNothing_IsNoCodeRequest(string text)
    {
        Assert.True(DiscussionProse.Is(text));
        Assert.Equal(CodeSignal.None, CodeDetector.Detect(text));
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void Detect_RequestsQuestionsFirstPersonOrOneSentence_StayCodeRequests(string text)
    {
        Assert.False(DiscussionProse.Is(text));
        Assert.Equal(CodeSignal.CodeRequest, CodeDetector.Detect(text));
    }
}

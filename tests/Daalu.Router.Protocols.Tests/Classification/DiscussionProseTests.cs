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

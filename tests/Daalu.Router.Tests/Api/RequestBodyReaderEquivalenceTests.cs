using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Daalu.Router.Api;
using Daalu.Router.Classification;
using Daalu.Router.LoadBalancing;
using Daalu.Router.Planning;
using Xunit;

namespace Daalu.Router.Tests.Api;

// The reader-based parser (one Utf8JsonReader pass, no JSON tree) against the tree-based one it replaced
// (DomRequestParser, main's code kept as the reference): the same verdict, the same 4xx (status, type, code, message,
// param) and the same extracted facts (model, stream, usage option, max tokens, prompt estimate, features, and the texts
// RequestTextReader reads from the tree) on generated chat, completions and embeddings bodies, random JSON, and bodies
// mutated into broken JSON, repeated and escaped names, lone surrogates and deep nesting.
public class RequestBodyReaderEquivalenceTests
{
    private static readonly string[] Endpoints = [RequestFeatures.Chat, RequestFeatures.Completions, RequestFeatures.Embeddings];

    [Fact]
    public void Parse_GeneratedAndMutatedBodies_SameVerdictAndFactsAsTheTree()
    {
        var verdicts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        Gen.Int.Sample(seed =>
        {
            var body = BodyBuilder.Build(new Random(seed));
            foreach (var depth in (ReadOnlySpan<int>)[64, 4])
            {
                foreach (var endpoint in Endpoints)
                {
                    var verdict = AssertSame(body, endpoint, depth);
                    verdicts.AddOrUpdate(verdict.StartsWith("ok", StringComparison.Ordinal) ? $"ok {endpoint}" : verdict, 1, (_, n) => n + 1);
                }
            }
        }, iter: 4_000);

        // The bodies reach every verdict: accepted for each endpoint, and most of the parser's refusals.
        foreach (var endpoint in Endpoints)
        {
            Assert.True(verdicts.GetValueOrDefault($"ok {endpoint}") >= 100, $"{endpoint}: {verdicts.GetValueOrDefault($"ok {endpoint}")} accepted");
        }

        Assert.True(verdicts.Count >= 30, string.Join("\n", verdicts.Select(kv => $"{kv.Value} {kv.Key}")));
    }

    [Fact]
    public void Validate_GeneratedTrees_SameVerdictAndFactsAsTheTree()
    {
        Gen.Int.Sample(seed =>
        {
            var body = BodyBuilder.Build(new Random(seed));
            if (RequestParser.ParseObject(Encoding.UTF8.GetBytes(body), 64).Body is not { } obj)
            {
                return;
            }

            foreach (var endpoint in Endpoints)
            {
                var expected = Describe(DomRequestParser.Validate((JsonObject)obj.DeepClone(), endpoint));
                var actual = Describe(RequestParser.Validate((JsonObject)obj.DeepClone(), endpoint));
                Assert.True(expected == actual, $"{endpoint} {body}\nexpected {expected}\nactual   {actual}");
            }
        }, iter: 3_000);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"a"}],"mod\u0065l":"x"}""")] // repeat through an escape
    [InlineData("""{"model":"m","model":"n","messages":[}""")] // a repeat, then a syntax error
    [InlineData("""{"model":"m","model":"n","x":"\ud800"}""")] // a repeat, then a lone surrogate
    [InlineData("""{"x":"\ud800","model":"m","messages":[}""")] // a lone surrogate, then a syntax error
    [InlineData("""{"model":"m","messages":[],"a":{"b":1,"b":2}}""")] // a repeat deep down
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"a"}]} {}""")] // a second value
    [InlineData("""[{"model":"m","model":"m"}]""")] // a repeat in a root that is not an object
    [InlineData("""{"model":"m","messages":[{"content":[{"text":"x","type":"text"}],"role":"user"}],"temperature":1e400}""")]
    [InlineData("""{"model":"m","messages":[{"content":[{"text":1,"type":"text"}],"role":"bot"}]}""")] // role before content
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"tool_result","content":[{"type":"image"}]}]}],"model":"m"}""")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant","tool_calls":[1,{"function":2},{"function":{"arguments":"{}"}}],"function_call":"x"}]}""")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"a"}],"max_tokens":16.0,"n":2.5}""")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":"a"},"b"],"prompt":["c",[1],2]}""")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"a"}],"stream":true,"stream_options":null}""")]
    [InlineData("""{"model":"\u00e9\ud83d\ude00","messages":[{"role":"user","content":[{"input":{"a":["x",{"b":"y"}]},"type":"tool_use"}]}]}""")]
    [InlineData("")]
    [InlineData(" null ")]
    public void Parse_EdgeBodies_SameVerdictAsTheTree(string body)
    {
        foreach (var endpoint in Endpoints)
        {
            AssertSame(body, endpoint, 64);
            AssertSame(body, endpoint, 2);
        }
    }

    [Fact]
    public void Parse_ValidChat_BuildsNoTreeUntilTheBodyIsRead()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"hello"}],"max_tokens":16}""");

        var parsed = RequestParser.Parse(body, RequestFeatures.Chat, 64).Request!;

        Assert.Same(body, parsed.Raw);
        Assert.Equal("hello", parsed.Text.LastUserText);
        Assert.Equal(16, parsed.MaxTokens);
        // The tree, when an attempt needs one, is the body's.
        Assert.Equal("""{"model":"m","messages":[{"role":"user","content":"hello"}],"max_tokens":16}""", parsed.Body.ToJsonString());
    }

    private static string AssertSame(string body, string endpoint, int depth)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var expected = Describe(DomRequestParser.Parse(bytes, endpoint, depth));
        var actual = Describe(RequestParser.Parse(bytes, endpoint, depth));
        Assert.True(expected == actual, $"{endpoint} depth {depth}: {body}\nexpected {expected}\nactual   {actual}");
        return expected.StartsWith("error", StringComparison.Ordinal) ? System.Text.RegularExpressions.Regex.Replace(expected, @"messages\[\d+\]", "messages[i]") : expected;
    }

    // A verdict as text: the error, or every fact routing reads (for the tree path the texts come from RequestTextReader
    // over the tree, the path classification took before).
    private static string Describe((ParsedRequest? Request, RequestError? Error) result)
    {
        if (result.Request is not { } r)
        {
            var e = result.Error!;
            return $"error {e.Status} {e.Type} {e.Code} {e.Param} {e.Message}";
        }

        var fromTree = ReferenceEquals(r.Text, RequestText.Empty);
        var text = fromTree ? RequestTextReader.Read(r.Body) : r.Text;
        var hasStreamOptions = fromTree ? r.Body.ContainsKey("stream_options") : r.HasStreamOptions;
        var prefix = fromTree ? PrefixHasher.Compute(r.Body) : PrefixHasher.Compute(r.PrefixTurns, r.PromptText);
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"ok {r.Model} stream={r.Stream} usage={r.ClientWantsUsage} max={r.MaxTokens} est={r.PromptTokenEstimate} ")
            .Append(CultureInfo.InvariantCulture, $"{r.Features} so={hasStreamOptions} prefix={prefix} tools={text.HasTools} images={text.HasImages} body={r.Body.ToJsonString()} segments=");
        foreach (var s in text.Segments)
        {
            sb.Append(CultureInfo.InvariantCulture, $"[{s.Role}|{s.Message}|{s.Text}]");
        }

        return sb.ToString();
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Daalu.Router.Api;
using Daalu.Router.Classification;
using Daalu.Router.Planning;
using Daalu.Router.Protocols.Tests.Classification.Reference;

namespace Daalu.Bench.Micro;

/// <summary>
/// The classifier and its input reader before (Baseline: the reference copy kept in the test project) and after the
/// single-pass rewrite, measured side by side in one run so the ratio does not depend on how loaded the shared
/// cores were between two runs. "read input + Rate" is what the router pays per request (target: 5 us).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ClassifyBeforeAfter
{
    private readonly HeuristicComplexityClassifier _classifier = new();
    private readonly ReferenceComplexityClassifier _reference = new();
    private ParsedRequest _parsed = null!;
    private ComplexityInput _input;

    [Params("short", "chat", "long", "prose")]
    public string Body { get; set; } = "short";

    [GlobalSetup]
    public void Setup()
    {
        _parsed = RequestParser.Parse(Requests.For(Body), RequestFeatures.Chat, 64).Request ?? throw new InvalidOperationException("the benchmark body does not parse");
        _input = ReferenceComplexityInputReader.FromChatRequest(_parsed.Body);
        if (_classifier.Rate(in _input) != _reference.Rate(in _input))
        {
            throw new InvalidOperationException("the rewritten classifier rates the benchmark body differently");
        }
    }

    [Benchmark(Baseline = true, Description = "Rate (before)")]
    [BenchmarkCategory("Rate")]
    public int RateBefore() => _reference.Rate(in _input);

    [Benchmark(Description = "Rate (after)")]
    [BenchmarkCategory("Rate")]
    public int RateAfter() => _classifier.Rate(in _input);

    [Benchmark(Baseline = true, Description = "read input + Rate (before)")]
    [BenchmarkCategory("PerRequest")]
    public int ClassifyBefore()
    {
        var input = ReferenceComplexityInputReader.FromChatRequest(_parsed.Body);
        return _reference.Rate(in input);
    }

    [Benchmark(Description = "read input + Rate (after)")]
    [BenchmarkCategory("PerRequest")]
    public int ClassifyAfter()
    {
        var input = ComplexityInputReader.FromChatRequest(_parsed.Body);
        return _classifier.Rate(in input);
    }
}

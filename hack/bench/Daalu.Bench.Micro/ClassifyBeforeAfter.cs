using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Daalu.Router.Api;
using Daalu.Router.Classification;
using Daalu.Router.Planning;
using Daalu.Router.Protocols.Tests.Classification.Reference;

namespace Daalu.Bench.Micro;

/// <summary>
/// The classifier and its input reader before and after their rewrites, side by side in one run so the ratios do not
/// depend on how loaded the shared cores were between two runs. Baselines are the reference copies kept in the test
/// project: the DOM reader over the JsonObject RequestParser built (warm, as in the router, where validation has
/// already walked it) and the pre-rewrite classifier. "PerRequest" is what the router pays per chat request
/// (target: 5 us): the original path, the old DOM reader with today's classifier, and the DOM reader that measures
/// texts from their raw bytes (what the router runs). A single-pass span reader over the body bytes was measured here
/// too, 2.3-6.4x slower than the DOM readers, and removed (docs/benchmarks.md).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ClassifyBeforeAfter
{
    private readonly HeuristicComplexityClassifier _classifier = new();
    private readonly ReferenceComplexityClassifier _reference = new();
    private byte[] _body = [];
    private ParsedRequest _parsed = null!;
    private ComplexityInput _input;

    [Params("short", "chat", "long", "prose")]
    public string Body { get; set; } = "short";

    [GlobalSetup]
    public void Setup()
    {
        _body = Requests.For(Body);
        _parsed = RequestParser.Parse(_body, RequestFeatures.Chat, 64).Request ?? throw new InvalidOperationException("the benchmark body does not parse");
        _input = ReferenceComplexityInputReader.FromChatRequest(_parsed.Body);
        if (ComplexityInputReader.FromChatRequest(_parsed.Body) != _input)
        {
            throw new InvalidOperationException("a rewritten reader reads the benchmark body differently");
        }

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

    [Benchmark(Baseline = true, Description = "read input (old DOM reader)")]
    [BenchmarkCategory("Read")]
    public ComplexityInput ReadDom() => ReferenceComplexityInputReader.FromChatRequest(_parsed.Body);

    [Benchmark(Description = "read input (DOM, raw-byte lengths)")]
    [BenchmarkCategory("Read")]
    public ComplexityInput ReadDomMeasured() => ComplexityInputReader.FromChatRequest(_parsed.Body);

    [Benchmark(Baseline = true, Description = "read input + Rate (original: DOM + old Rate)")]
    [BenchmarkCategory("PerRequest")]
    public int ClassifyBefore()
    {
        var input = ReferenceComplexityInputReader.FromChatRequest(_parsed.Body);
        return _reference.Rate(in input);
    }

    [Benchmark(Description = "read input + Rate (old DOM reader + Rate)")]
    [BenchmarkCategory("PerRequest")]
    public int ClassifyDom()
    {
        var input = ReferenceComplexityInputReader.FromChatRequest(_parsed.Body);
        return _classifier.Rate(in input);
    }

    [Benchmark(Description = "read input + Rate (DOM raw-byte lengths + Rate)")]
    [BenchmarkCategory("PerRequest")]
    public int ClassifyDomMeasured()
    {
        var input = ComplexityInputReader.FromChatRequest(_parsed.Body);
        return _classifier.Rate(in input);
    }
}

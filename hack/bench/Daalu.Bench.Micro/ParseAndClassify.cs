using BenchmarkDotNet.Attributes;
using Daalu.Router.Api;
using Daalu.Router.Classification;
using Daalu.Router.Planning;

namespace Daalu.Bench.Micro;

/// <summary>
/// What the router does to every chat request before it picks a backend: parse and validate the body
/// (RequestParser), read the classifier's input from the JsonObject the parser built (ComplexityInputReader) and rate
/// it. Target: classification at most 5 us per request. ClassifyBeforeAfter compares the readers side by side.
/// </summary>
[MemoryDiagnoser]
public class ParseAndClassify
{
    private readonly HeuristicComplexityClassifier _classifier = new();
    private byte[] _body = [];
    private ParsedRequest _parsed = null!;
    private ComplexityInput _input;

    [Params("short", "chat", "long")]
    public string Body { get; set; } = "short";

    [GlobalSetup]
    public void Setup()
    {
        _body = Requests.For(Body);
        _parsed = RequestParser.Parse(_body, RequestFeatures.Chat, 64).Request ?? throw new InvalidOperationException("the benchmark body does not parse");
        _input = ComplexityInputReader.FromChatRequest(_parsed.Body);
    }

    [Benchmark(Description = "RequestParser.Parse")]
    public ParsedRequest? Parse() => RequestParser.Parse(_body, RequestFeatures.Chat, 64).Request;

    [Benchmark(Description = "ComplexityInputReader.FromChatRequest")]
    public ComplexityInput ReadInput() => ComplexityInputReader.FromChatRequest(_parsed.Body);

    [Benchmark(Description = "HeuristicComplexityClassifier.Rate")]
    public int Rate() => _classifier.Rate(in _input);

    [Benchmark(Description = "read input + Rate (classification per request)")]
    public int Classify()
    {
        var input = ComplexityInputReader.FromChatRequest(_parsed.Body);
        return _classifier.Rate(in input);
    }

    [Benchmark(Description = "Parse + read input + Rate (router, per request)")]
    public int ParseThenClassify()
    {
        var parsed = RequestParser.Parse(_body, RequestFeatures.Chat, 64).Request!;
        var input = ComplexityInputReader.FromChatRequest(parsed.Body);
        return _classifier.Rate(in input);
    }
}

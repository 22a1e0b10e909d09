using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Daalu.Bench.Micro;
using Daalu.Router.Api;
using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;
using Daalu.Router.Planning;
using Baseline = Daalu.Bench.Detector.Baseline;

namespace Daalu.Bench.Detector;

/// <summary>
/// The heuristic stage (code detection over every text, newest first, plus the heuristic rating) with the baseline
/// commit's detector and with this tree's, on the ContentClassification bodies, in one run: on a shared machine the
/// ratio is what carries over.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class HeuristicStageBeforeAfter
{
    private readonly DifficultyClassifier _difficulty = new(DifficultyModel.Shipped, TimeProvider.System);
    private RequestText _text = RequestText.Empty;
    private ComplexityInput _input;
    private string _last = string.Empty;

    [Params("short", "chat", "long", "prose")]
    public string Body { get; set; } = "short";

    public static string LastUserText(string body) => Read(body).LastUserText;

    private static RequestText Read(string body)
    {
        var parsed = RequestParser.Parse(Requests.For(body), RequestFeatures.Chat, 64).Request ?? throw new InvalidOperationException("the benchmark body does not parse");
        return RequestTextReader.Read(parsed.Body);
    }

    [GlobalSetup]
    public void Setup()
    {
        _text = Read(Body);
        _input = _text.ToComplexityInput();
        _last = _text.LastUserText;
        if (((Baseline.CodeSignal)DetectBaseline()).ToString() != Detect().ToString())
        {
            throw new InvalidOperationException("the two detectors read the benchmark body differently");
        }
    }

    [Benchmark(Baseline = true, Description = "heuristic stage, baseline detector")]
    [BenchmarkCategory("Heuristic")]
    public int HeuristicStageBaseline()
    {
        var signal = DetectBaseline();
        return _difficulty.RateHeuristic(_last, (CodeSignal)signal, in _input).Rating;
    }

    [Benchmark(Description = "heuristic stage, this tree")]
    [BenchmarkCategory("Heuristic")]
    public int HeuristicStage()
    {
        var code = RequestCodeDetector.Detect(_text);
        return _difficulty.RateHeuristic(_last, code.Signal, in _input).Rating;
    }

    [Benchmark(Baseline = true, Description = "code detection, baseline detector")]
    [BenchmarkCategory("Detect")]
    public int DetectBaseline()
    {
        var signal = Baseline.CodeSignal.None;
        for (var i = _text.Segments.Count - 1; i >= 0 && signal == Baseline.CodeSignal.None; i--)
        {
            signal = Baseline.CodeDetector.Detect(_text.Segments[i].Text);
        }

        return (int)signal;
    }

    [Benchmark(Description = "code detection, this tree")]
    [BenchmarkCategory("Detect")]
    public CodeSignal Detect() => RequestCodeDetector.Detect(_text).Signal;
}

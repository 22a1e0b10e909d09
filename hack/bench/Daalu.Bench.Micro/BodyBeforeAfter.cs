using BenchmarkDotNet.Attributes;
using Daalu.Router.Api;
using Daalu.Router.Classification;
using Daalu.Router.Planning;
using Daalu.Router.Tests.Api;

namespace Daalu.Bench.Micro;

/// <summary>
/// The request body before and after the eleventh session, per request: Baseline is main's path (the body parsed into
/// a JsonObject and checked by DomRequestParser, the pre-change RequestParser kept in the tests as the property tests'
/// reference, then the classifier's texts read from the tree by RequestTextReader); the other is RequestParser's one
/// Utf8JsonReader pass, which checks the body and extracts the same texts without a tree.
/// </summary>
[MemoryDiagnoser]
public class BodyBeforeAfter
{
    private byte[] _body = [];

    [Params("bench", "short", "chat", "long")]
    public string Body { get; set; } = "short";

    [GlobalSetup]
    public void Setup()
    {
        // "bench" is the body ab-cpu.sh and profile-router.sh send.
        _body = Body == "bench"
            ? """{"model":"bench-model","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":16}"""u8.ToArray()
            : Requests.For(Body);
        if (RequestParser.Parse(_body, RequestFeatures.Chat, 64).Request is null || DomRequestParser.Parse(_body, RequestFeatures.Chat, 64).Request is null)
        {
            throw new InvalidOperationException("the benchmark body does not parse");
        }
    }

    [Benchmark(Baseline = true, Description = "tree: parse + check + read texts (main)")]
    public RequestText Tree() => RequestTextReader.Read(DomRequestParser.Parse(_body, RequestFeatures.Chat, 64).Request!.Body);

    [Benchmark(Description = "reader: one pass, checks and texts")]
    public RequestText Reader() => RequestParser.Parse(_body, RequestFeatures.Chat, 64).Request!.Text;
}

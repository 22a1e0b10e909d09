// Trains the learned difficulty stage (hashed n-grams + multinomial logistic regression) and writes the weights the
// router ships. Deterministic: fixed seeds, one thread, a fixed epoch count, so the same inputs give the same file.
//   python3 hack/classifier/public-data/build.py ... /tmp/difficulty-public.jsonl   (see hack/classifier/README.md)
//   dotnet run -c Release --project hack/classifier/Daalu.Classifier.Trainer -- --public /tmp/difficulty-public.jsonl --write
// Data: the public records of split "train" (build.py's header names the sources and the rating rule of each) plus
// hack/classifier/data/templates.txt (hand-written). Without --write it only trains and compares the new model with
// the shipped one (or --baseline <weights file>) on the public "dev" split and on the project's sets A and B (never trained on). Output:
// router/Daalu.Router.Protocols/Classification/Weights/difficulty-v1.json
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Daalu.Classifier.Trainer;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;
using Daalu.Router.Protocols.Tests.Classification.Evaluation;

var root = FindRepoRoot();
var templates = Path.Combine(root, "hack", "classifier", "data", "templates.txt");
var output = Path.Combine(root, "router", "Daalu.Router.Protocols", "Classification", "Weights", "difficulty-v1.json");
const int Seed = 20261207;
const int SamplesPerTemplate = 30;
var epochs = 40;
var learningRate = 0.05;
var l2 = 1e-4;
string? publicData = null;
string? baseline = null;
var useTemplates = true;
var leftoverOnly = false;
IReadOnlySet<string>? sources = null;
var write = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--public": publicData = args[++i]; break;
        case "--no-templates": useTemplates = false; break;
        case "--leftover-only": leftoverOnly = true; break;
        case "--sources": sources = new HashSet<string>(args[++i].Split(','), StringComparer.Ordinal); break;
        case "--shipped-recipe": (sources, leftoverOnly) = (TrainingSet.ShippedSources, true); break;
        case "--epochs": epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--rate": learningRate = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--l2": l2 = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--baseline": baseline = args[++i]; break;
        case "--write": write = true; break;
        default: throw new ArgumentException($"unknown argument {args[i]}");
    }
}

var corpus = new List<LabelledText>();
if (useTemplates)
{
    corpus.AddRange(TemplateCorpus.Expand(templates, SamplesPerTemplate, Seed).Select(t => new LabelledText(t.Text, t.Rating, "templates", IsDev: false)));
}

var dataTag = useTemplates ? "templates" : "";
if (publicData is not null)
{
    corpus.AddRange(PublicCorpus.Read(publicData));
    var digest = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(publicData)))[..12];
    dataTag = (dataTag.Length > 0 ? dataTag + "+" : "") + "public-" + digest;
}

var train = TrainingSet.Select(corpus, sources, leftoverOnly);
var dev = corpus.Where(c => c.IsDev).ToList();
var examples = train.Select(c =>
{
    var features = new int[HashedFeatures.MaxFeatures];
    var n = HashedFeatures.Extract(c.Text, CodeSignals.Name(CodeDetector.Detect(c.Text)), features);
    return (Features: features[..n], Label: c.Rating - 1);
}).ToList();
Console.WriteLine($"training examples: {examples.Count} (1: {train.Count(c => c.Rating == 1)}, 2: {train.Count(c => c.Rating == 2)}, 3: {train.Count(c => c.Rating == 3)}); dev: {dev.Count}");
Console.WriteLine($"epochs {epochs}, learning rate {learningRate}, L2 {l2}");

var (weights, bias) = SoftmaxTrainer.Train(examples, Seed, epochs, learningRate, l2);
var version = string.Create(CultureInfo.InvariantCulture, $"difficulty-v1 seed={Seed} examples={examples.Count} epochs={epochs} l2={l2} data={dataTag}");
var model = new DifficultyModel(weights, bias, version);

// Compare with the weights in the repository now (or --baseline, a weights file), on data neither was trained on.
DifficultyModel shipped;
if (baseline is null)
{
    shipped = DifficultyModel.Shipped;
}
else
{
    using var stream = File.OpenRead(baseline);
    shipped = DifficultyModel.Read(stream);
}

var evalDir = Path.Combine(root, "tests", "Daalu.Router.Protocols.Tests", "Classification", "Evaluation");
var sets = new List<(string Name, List<(System.Text.Json.Nodes.JsonObject, int)> Cases)>();
if (dev.Count > 0)
{
    sets.Add(("public dev", dev.Select(c => (Evaluation.Chat(c.Text), c.Rating)).ToList()));
    foreach (var source in dev.Select(c => c.Source).Distinct().Order(StringComparer.Ordinal))
    {
        sets.Add(($"  dev: {source}", dev.Where(c => c.Source == source).Select(c => (Evaluation.Chat(c.Text), c.Rating)).ToList()));
    }
}

foreach (var set in new[] { "a", "b" })
{
    var cases = Directory.GetFiles(evalDir, $"heldout-{set}*.txt").Order(StringComparer.Ordinal)
        .SelectMany(f => EvaluationSet.Parse(File.ReadAllText(f)))
        .Select(c => (EvaluationSet.ToChatBody(c), c.Difficulty)).ToList();
    sets.Add(($"set {set.ToUpperInvariant()}", cases));
}

Console.WriteLine($"\nshipped: {shipped.Version}\nnew:     {version}\n");
Console.WriteLine("| cases | shipped, all | new, all | shipped, learned decides | new, learned decides |");
Console.WriteLine("|---|---|---|---|---|");
var details = new List<string>();
foreach (var (name, cases) in sets)
{
    var before = Evaluation.Run(shipped, cases);
    var after = Evaluation.Run(model, cases);
    Console.WriteLine($"| {name} | {Evaluation.Accuracy(before.All)} | {Evaluation.Accuracy(after.All)} | {Evaluation.Accuracy(before.Learned)} | {Evaluation.Accuracy(after.Learned)} |");
    if (!name.StartsWith(' '))
    {
        details.Add($"\n{name}, requests the learned stage decides (rows: label):\n\n{Evaluation.SideBySide("shipped", before.Learned, "new", after.Learned)}");
    }
}

foreach (var d in details)
{
    Console.Write(d);
}

if (write)
{
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    using (var stream = File.Create(output))
    using (var writer = new Utf8JsonWriter(stream))
    {
        DifficultyModel.Write(writer, weights, bias, version);
    }

    Console.WriteLine($"\nwrote {output} ({new FileInfo(output).Length} bytes)");
}

static string FindRepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository");
}

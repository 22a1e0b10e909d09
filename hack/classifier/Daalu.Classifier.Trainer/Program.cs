// Trains the learned difficulty stage (hashed n-grams + multinomial logistic regression) and writes the weights the
// router ships. Deterministic: fixed seeds, one thread, a fixed epoch count, so the same inputs give the same file.
//   dotnet run -c Release --project hack/classifier/Daalu.Classifier.Trainer
// Data: hack/classifier/data/templates.txt (hand-written, see its header). Output:
// router/Daalu.Router.Protocols/Classification/Weights/difficulty-v1.json
using System.Text.Json;
using Daalu.Classifier.Trainer;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;

var root = FindRepoRoot();
var data = Path.Combine(root, "hack", "classifier", "data", "templates.txt");
var output = Path.Combine(root, "router", "Daalu.Router.Protocols", "Classification", "Weights", "difficulty-v1.json");
const int Seed = 20261207;
const int SamplesPerTemplate = 30;
const int Epochs = 40;
const double LearningRate = 0.05;
const double L2 = 1e-4;

var corpus = TemplateCorpus.Expand(data, SamplesPerTemplate, Seed);
var examples = corpus.Select(c =>
{
    var features = new int[HashedFeatures.MaxFeatures];
    var n = HashedFeatures.Extract(c.Text, CodeSignals.Name(CodeDetector.Detect(c.Text)), features);
    return (Features: features[..n], Label: c.Rating - 1);
}).ToList();
Console.WriteLine($"examples: {examples.Count} (1: {corpus.Count(c => c.Rating == 1)}, 2: {corpus.Count(c => c.Rating == 2)}, 3: {corpus.Count(c => c.Rating == 3)})");

// Classes are unbalanced by template count; weight each example by 1 / its class's share so no rating dominates.
var classCounts = new double[3];
foreach (var e in examples)
{
    classCounts[e.Label]++;
}

var weights = new float[3 * HashedFeatures.Buckets];
var bias = new float[3];
var order = Enumerable.Range(0, examples.Count).ToArray();
var random = new Random(Seed);
var z = new double[3];
for (var epoch = 0; epoch < Epochs; epoch++)
{
    random.Shuffle(order);
    var rate = LearningRate / (1 + (epoch * 0.1));
    foreach (var index in order)
    {
        var (features, label) = examples[index];
        for (var k = 0; k < 3; k++)
        {
            z[k] = bias[k];
            foreach (var f in features)
            {
                z[k] += weights[(k * HashedFeatures.Buckets) + f];
            }
        }

        var max = z.Max();
        var sum = 0.0;
        for (var k = 0; k < 3; k++)
        {
            z[k] = Math.Exp(z[k] - max);
            sum += z[k];
        }

        var classWeight = examples.Count / (3 * classCounts[label]);
        for (var k = 0; k < 3; k++)
        {
            var gradient = ((z[k] / sum) - (k == label ? 1 : 0)) * classWeight;
            bias[k] -= (float)(rate * gradient);
            foreach (var f in features)
            {
                var w = (k * HashedFeatures.Buckets) + f;
                weights[w] -= (float)(rate * (gradient + (L2 * weights[w])));
            }
        }
    }
}

var model = new DifficultyModel(weights, bias, $"difficulty-v1 seed={Seed} examples={examples.Count} epochs={Epochs}");
var correct = examples.Count(e =>
{
    var (p1, p2, p3) = model.Predict(e.Features);
    var predicted = p1 >= p2 && p1 >= p3 ? 0 : p2 >= p3 ? 1 : 2;
    return predicted == e.Label;
});
Console.WriteLine($"training accuracy: {correct}/{examples.Count}");

Directory.CreateDirectory(Path.GetDirectoryName(output)!);
using (var stream = File.Create(output))
using (var writer = new Utf8JsonWriter(stream))
{
    DifficultyModel.Write(writer, weights, bias, model.Version);
}

Console.WriteLine($"wrote {output} ({new FileInfo(output).Length} bytes)");

static string FindRepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository");
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Classification.Difficulty;

namespace Daalu.Classifier.Trainer;

/// <summary>
/// One training run, from the data files to the weights file's bytes; used by the trainer's command line and by the
/// reproduction test in the Protocols test project. Deterministic: the same files and settings give the same bytes.
/// </summary>
internal static class Training
{
    public const int Seed = 20261207;

    public const int SamplesPerTemplate = 30;

    /// <summary>
    /// The shipped settings: 40 epochs, learning rate 0.05 (decaying), L2 1e-4, rating-3 examples weighing 1.5 times
    /// their class share (docs/classification.md, "Label 2 for advice questions").
    /// </summary>
    public static readonly Settings Shipped = new(TrainingSet.ShippedSources, LeftoverOnly: true, Epochs: 40, LearningRate: 0.05, L2: 1e-4, Class3Weight: 1.5);

    /// <summary>The templates (unless <paramref name="useTemplates"/> is false) and the public records, with a tag naming them.</summary>
    public static (List<LabelledText> Corpus, string DataTag) Corpus(string templatesPath, string? publicPath, bool useTemplates = true)
    {
        var corpus = new List<LabelledText>();
        var tag = "";
        if (useTemplates)
        {
            corpus.AddRange(TemplateCorpus.Expand(templatesPath, SamplesPerTemplate, Seed).Select(t => new LabelledText(t.Text, t.Rating, "templates", IsDev: false)));
            tag = "templates";
        }

        if (publicPath is not null)
        {
            corpus.AddRange(PublicCorpus.Read(publicPath));
            var digest = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(publicPath)))[..12];
            tag = (tag.Length > 0 ? tag + "+" : "") + "public-" + digest;
        }

        return (corpus, tag);
    }

    /// <summary>Trains on the <c>train</c> split the settings select.</summary>
    public static Result Run(IReadOnlyList<LabelledText> corpus, string dataTag, Settings settings)
    {
        var train = TrainingSet.Select(corpus, settings.Sources, settings.LeftoverOnly);
        var examples = train.Select(c =>
        {
            var features = new int[HashedFeatures.MaxFeatures];
            var n = HashedFeatures.Extract(c.Text, CodeSignals.Name(CodeDetector.Detect(c.Text)), features);
            return (Features: features[..n], Label: c.Rating - 1);
        }).ToList();
        var (weights, bias) = SoftmaxTrainer.Train(examples, Seed, settings.Epochs, settings.LearningRate, settings.L2, settings.Class3Weight);
        var weight3 = settings.Class3Weight == 1.0 ? "" : string.Create(CultureInfo.InvariantCulture, $" w3={settings.Class3Weight}");
        var version = string.Create(CultureInfo.InvariantCulture, $"difficulty-v1 seed={Seed} examples={examples.Count} epochs={settings.Epochs} l2={settings.L2}{weight3} data={dataTag}");
        return new Result(train, weights, bias, version);
    }

    /// <summary>The weights file's bytes (DifficultyModel's shipped format).</summary>
    public static byte[] Serialize(Result result)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            DifficultyModel.Write(writer, result.Weights, result.Bias, result.Version);
        }

        return stream.ToArray();
    }

    /// <summary>What a run trains on and how.</summary>
    public sealed record Settings(IReadOnlySet<string>? Sources, bool LeftoverOnly, int Epochs, double LearningRate, double L2, double Class3Weight = 1.0);

    /// <summary>A trained model and the prompts it was trained on.</summary>
    public sealed record Result(IReadOnlyList<LabelledText> Train, float[] Weights, float[] Bias, string Version)
    {
        public DifficultyModel Model() => new(Weights, Bias, Version);
    }
}

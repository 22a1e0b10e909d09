using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Daalu.Router.Classification.Difficulty;

/// <summary>
/// A multinomial logistic regression over <see cref="HashedFeatures"/> (3 classes: ratings 1, 2, 3), with the weights
/// trained by hack/classifier and shipped as the embedded resource Weights/difficulty-v1.json. Immutable and thread-safe.
/// </summary>
public sealed class DifficultyModel
{
    private const string ResourceName = "Daalu.Router.Classification.Weights.difficulty-v1.json";

    private readonly float[] _weights;
    private readonly float[] _bias;

    /// <summary>Creates a model from its weights (class-major: weight of bucket b for class k at k * Buckets + b).</summary>
    public DifficultyModel(float[] weights, float[] bias, string version)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (bias.Length != 3 || weights.Length != 3 * HashedFeatures.Buckets)
        {
            throw new ArgumentException($"a difficulty model has 3 classes of {HashedFeatures.Buckets} buckets");
        }

        _weights = weights;
        _bias = bias;
        Version = version;
    }

    /// <summary>The shipped model.</summary>
    public static DifficultyModel Shipped { get; } = LoadShipped();

    /// <summary>The weights file's version string.</summary>
    public string Version { get; }

    /// <summary>Probabilities of ratings 1, 2, 3 for a text.</summary>
    public (double P1, double P2, double P3) Predict(ReadOnlySpan<char> text, string codeSignal)
    {
        Span<int> features = stackalloc int[HashedFeatures.MaxFeatures];
        var n = HashedFeatures.Extract(text, codeSignal, features);
        return Predict(features[..n]);
    }

    /// <summary>Probabilities for already extracted features.</summary>
    public (double P1, double P2, double P3) Predict(ReadOnlySpan<int> features)
    {
        Span<double> z = [_bias[0], _bias[1], _bias[2]];
        foreach (var f in features)
        {
            z[0] += _weights[f];
            z[1] += _weights[HashedFeatures.Buckets + f];
            z[2] += _weights[(2 * HashedFeatures.Buckets) + f];
        }

        var max = Math.Max(z[0], Math.Max(z[1], z[2]));
        var e0 = Math.Exp(z[0] - max);
        var e1 = Math.Exp(z[1] - max);
        var e2 = Math.Exp(z[2] - max);
        var sum = e0 + e1 + e2;
        return (e0 / sum, e1 / sum, e2 / sum);
    }

    /// <summary>Writes the weights in the shipped format (sparse: only non-zero weights, 4 decimals).</summary>
    public static void Write(Utf8JsonWriter writer, float[] weights, float[] bias, string version)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        writer.WriteStartObject();
        writer.WriteString("version", version);
        writer.WriteNumber("buckets", HashedFeatures.Buckets);
        writer.WriteStartArray("bias");
        foreach (var b in bias)
        {
            writer.WriteRawValue(Round(b));
        }

        writer.WriteEndArray();
        writer.WriteStartArray("weights");
        for (var i = 0; i < weights.Length; i++)
        {
            var text = Round(weights[i]);
            if (text != "0")
            {
                writer.WriteStartArray();
                writer.WriteNumberValue(i);
                writer.WriteRawValue(text);
                writer.WriteEndArray();
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads the shipped format.</summary>
    public static DifficultyModel Read(Stream json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.GetProperty("buckets").GetInt32() != HashedFeatures.Buckets)
        {
            throw new InvalidDataException("the weights were trained with another bucket count");
        }

        var bias = root.GetProperty("bias").EnumerateArray().Select(b => b.GetSingle()).ToArray();
        var weights = new float[3 * HashedFeatures.Buckets];
        foreach (var pair in root.GetProperty("weights").EnumerateArray())
        {
            weights[pair[0].GetInt32()] = pair[1].GetSingle();
        }

        return new DifficultyModel(weights, bias, root.GetProperty("version").GetString() ?? "unknown");
    }

    private static string Round(float value)
    {
        var rounded = Math.Round(value, 4);
        return rounded == 0 ? "0" : rounded.ToString("0.####", CultureInfo.InvariantCulture);
    }

    private static DifficultyModel LoadShipped()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing");
        return Read(stream);
    }
}

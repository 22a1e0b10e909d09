using Daalu.Router.Classification.Difficulty;

namespace Daalu.Classifier.Trainer;

/// <summary>
/// Multinomial logistic regression over <see cref="HashedFeatures"/> buckets, trained by SGD with L2 and per-class
/// example weights (1 / the class's share, so no rating dominates; rating 3's times <c>class3Weight</c>, since a hard
/// prompt rated 2 costs more than a 2 rated 3). Deterministic: one thread, a seeded shuffle, a fixed epoch count and
/// learning-rate schedule.
/// </summary>
internal static class SoftmaxTrainer
{
    /// <summary>
    /// The largest class-share weight of one example. Once the heuristic stage decides nearly every short factual
    /// question, the shipped recipe's leftover set holds 1-3 examples labelled 1; weighted by their class share alone
    /// (examples / (3 x class count), about 240 for one of 723) each of them moved the whole model, and adding or
    /// removing one changed set A's rating by 12 requests (docs/classification.md, "Twelfth session").
    /// </summary>
    public const double MaxClassWeight = 3.0;

    public static (float[] Weights, float[] Bias) Train(IReadOnlyList<(int[] Features, int Label)> examples, int seed, int epochs, double learningRate, double l2, double class3Weight = 1.0)
    {
        var classCounts = new double[3];
        foreach (var e in examples)
        {
            classCounts[e.Label]++;
        }

        var weights = new float[3 * HashedFeatures.Buckets];
        var bias = new float[3];
        var order = Enumerable.Range(0, examples.Count).ToArray();
        var random = new Random(seed);
        var z = new double[3];
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            var rate = learningRate / (1 + (epoch * 0.1));
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

                var classWeight = Math.Min(examples.Count / (3 * classCounts[label]), MaxClassWeight) * (label == 2 ? class3Weight : 1.0);
                for (var k = 0; k < 3; k++)
                {
                    var gradient = ((z[k] / sum) - (k == label ? 1 : 0)) * classWeight;
                    bias[k] -= (float)(rate * gradient);
                    foreach (var f in features)
                    {
                        var w = (k * HashedFeatures.Buckets) + f;
                        weights[w] -= (float)(rate * (gradient + (l2 * weights[w])));
                    }
                }
            }
        }

        return (weights, bias);
    }
}

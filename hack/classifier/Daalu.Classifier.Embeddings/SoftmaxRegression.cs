namespace Daalu.Classifier.Embeddings;

/// <summary>
/// Multinomial logistic regression over dense features (3 classes), trained as the hashed trainer trains: SGD with a
/// decaying rate, L2, per-class example weights, a fixed seed and epoch count, one thread.
/// </summary>
internal sealed class SoftmaxRegression
{
    private const int Classes = 3;
    private readonly float[][] _weights;
    private readonly float[] _bias;

    private SoftmaxRegression(float[][] weights, float[] bias)
    {
        _weights = weights;
        _bias = bias;
    }

    public static SoftmaxRegression Train(IReadOnlyList<(float[] Features, int Label)> examples, int seed, int epochs = 60, double learningRate = 0.1, double l2 = 1e-4)
    {
        var dimensions = examples[0].Features.Length;
        var weights = Enumerable.Range(0, Classes).Select(_ => new float[dimensions]).ToArray();
        var bias = new float[Classes];
        var counts = new double[Classes];
        foreach (var e in examples)
        {
            counts[e.Label]++;
        }

        var model = new SoftmaxRegression(weights, bias);
        var order = Enumerable.Range(0, examples.Count).ToArray();
        var random = new Random(seed);
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            var rate = learningRate / (1 + (epoch * 0.1));
            foreach (var index in order)
            {
                var (features, label) = examples[index];
                var p = model.Predict(features);
                var classWeight = examples.Count / (Classes * counts[label]);
                for (var k = 0; k < Classes; k++)
                {
                    var gradient = (p[k] - (k == label ? 1 : 0)) * classWeight;
                    bias[k] -= (float)(rate * gradient);
                    var w = weights[k];
                    for (var d = 0; d < dimensions; d++)
                    {
                        w[d] -= (float)(rate * ((gradient * features[d]) + (l2 * w[d])));
                    }
                }
            }
        }

        return model;
    }

    public double[] Predict(float[] features)
    {
        var z = new double[Classes];
        for (var k = 0; k < Classes; k++)
        {
            double sum = _bias[k];
            var w = _weights[k];
            for (var d = 0; d < features.Length; d++)
            {
                sum += w[d] * features[d];
            }

            z[k] = sum;
        }

        var max = z.Max();
        var total = 0.0;
        for (var k = 0; k < Classes; k++)
        {
            z[k] = Math.Exp(z[k] - max);
            total += z[k];
        }

        for (var k = 0; k < Classes; k++)
        {
            z[k] /= total;
        }

        return z;
    }
}

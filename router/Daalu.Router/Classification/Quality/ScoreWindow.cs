namespace Daalu.Router.Classification.Quality;

/// <summary>
/// The mean of the last <see cref="Size"/> quality scores of one tier and model: the <c>daalu_router_quality_score_mean</c>
/// gauge. A window, not a lifetime mean, so a tier that degrades today is not hidden by last month's scores.
/// Thread-safe.
/// </summary>
public sealed class ScoreWindow
{
    /// <summary>Scores kept.</summary>
    public const int Size = 50;

    private readonly int[] _scores = new int[Size];
    private readonly Lock _gate = new();
    private int _count;
    private int _next;
    private int _sum;

    /// <summary>Adds a score and returns the window's mean.</summary>
    public double Add(int score)
    {
        lock (_gate)
        {
            if (_count == Size)
            {
                _sum -= _scores[_next];
            }
            else
            {
                _count++;
            }

            _scores[_next] = score;
            _sum += score;
            _next = (_next + 1) % Size;
            return (double)_sum / _count;
        }
    }
}

namespace Daalu.Router.Classification.Difficulty;

/// <summary>One stage's verdict on difficulty.</summary>
/// <param name="Stage">heuristic, learned or conversation (see <see cref="DifficultyStages"/>).</param>
/// <param name="Rating">1..3.</param>
/// <param name="Confidence">0..1: the heuristic's rule confidence, the learned stage's top class probability.</param>
/// <param name="Elapsed">Time the stage took.</param>
public readonly record struct StageRating(string Stage, int Rating, double Confidence, TimeSpan Elapsed);

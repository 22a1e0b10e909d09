namespace Daalu.Router.Classification.Difficulty;

/// <summary>The judge stage's verdict for explain output and metrics; never the prompt or the judge's raw answer.</summary>
/// <param name="Outcome">rated, cached, timeout, malformed, error, no_backend (see <see cref="JudgeOutcomes"/>).</param>
/// <param name="Rating">1..3 when the judge rated (now or earlier in the conversation); null otherwise.</param>
/// <param name="Elapsed">Time spent waiting for the judge (zero for a cached rating).</param>
/// <param name="Cached">The rating came from an earlier request of the same conversation.</param>
/// <param name="Backend">The own-GPU backend asked; null when none could be.</param>
public sealed record JudgeStage(string Outcome, int? Rating, TimeSpan Elapsed, bool Cached, string? Backend);

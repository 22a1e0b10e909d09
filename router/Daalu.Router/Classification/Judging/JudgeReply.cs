namespace Daalu.Router.Classification.Judging;

/// <summary>How one judge call ended.</summary>
/// <param name="Outcome">A <see cref="Daalu.Router.Classification.Difficulty.JudgeOutcomes"/> value.</param>
/// <param name="Digit">The digit answered, when the outcome is rated.</param>
/// <param name="Elapsed">Time from sending to the answer (or to giving up).</param>
public readonly record struct JudgeReply(string Outcome, int? Digit, TimeSpan Elapsed);

namespace Daalu.Router.Classification.Difficulty;

/// <summary>The difficulty rating, the stage that decided it, and every stage that ran.</summary>
/// <param name="Rating">1..3.</param>
/// <param name="DecidedBy">The stage whose rating stands.</param>
/// <param name="Stages">Every stage that ran, in order.</param>
public sealed record DifficultyDecision(int Rating, string DecidedBy, IReadOnlyList<StageRating> Stages);

namespace Daalu.Router.Classification.Difficulty;

/// <summary>Stage names: explain output and the <c>stage</c> label of <c>daalu_router_classifier_decisions_total</c>.</summary>
public static class DifficultyStages
{
    /// <summary>The keyword-and-shape heuristic, free; decides the clear cases.</summary>
    public const string Heuristic = "heuristic";

    /// <summary>Hashed n-grams + logistic regression (<see cref="DifficultyModel"/>); the uncertain cases.</summary>
    public const string Learned = "learned";

    /// <summary>A follow-up turn raised to the previous user turn's rating.</summary>
    public const string Conversation = "conversation";

    /// <summary>The policy's judge model on the tenant's own GPU, asked when the learned stage is unsure.</summary>
    public const string Judge = "judge";

    /// <summary>Every stage name, for pre-creating metric series.</summary>
    public static readonly IReadOnlyList<string> All = [Heuristic, Learned, Conversation, Judge];
}

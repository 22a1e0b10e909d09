namespace Daalu.Router.Classification.Judging;

/// <summary>What the judge was asked: the <c>purpose</c> label of the judge metrics.</summary>
public static class JudgePurposes
{
    /// <summary>Rate a prompt's difficulty 1-3 (on the request path, bounded by the policy's timeout).</summary>
    public const string Difficulty = "difficulty";

    /// <summary>Score a served answer 1-5 (in the background, the quality drift watch).</summary>
    public const string Quality = "quality";
}

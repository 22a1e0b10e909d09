namespace Daalu.Router.Classification.Difficulty;

/// <summary>How a judge call ended: the <c>outcome</c> label of the judge metrics and explain's <c>judge.outcome</c>.</summary>
public static class JudgeOutcomes
{
    /// <summary>The judge answered a valid rating.</summary>
    public const string Rated = "rated";

    /// <summary>An earlier request of the conversation was judged; its verdict was reused without a call.</summary>
    public const string Cached = "cached";

    /// <summary>No answer within the policy's timeout; the learned rating stands.</summary>
    public const string Timeout = "timeout";

    /// <summary>An answer that is not one of the allowed digits; the learned rating stands.</summary>
    public const string Malformed = "malformed";

    /// <summary>A connection failure or an error status; the learned rating stands.</summary>
    public const string Error = "error";

    /// <summary>The tenant has no own-GPU backend serving the judge model; nothing was asked.</summary>
    public const string NoBackend = "no_backend";

    /// <summary>Every outcome, for pre-creating metric series.</summary>
    public static readonly IReadOnlyList<string> All = [Rated, Cached, Timeout, Malformed, Error, NoBackend];
}

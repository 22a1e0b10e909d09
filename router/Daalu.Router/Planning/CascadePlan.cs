namespace Daalu.Router.Planning;

/// <summary>The ordered candidates for one request and every skip with its reason.</summary>
public sealed record CascadePlan(string RequestClass, int Complexity, IReadOnlyList<string> Tiers, IReadOnlyList<Candidate> Candidates, IReadOnlyList<Skip> Skipped, string? MatchedRule)
{
    /// <summary>The prompt's prefix key when prefix affinity ordered the candidates: the attempt notes it in the backend's prefix index.</summary>
    public LoadBalancing.PrefixKey? Prefix { get; init; }
}

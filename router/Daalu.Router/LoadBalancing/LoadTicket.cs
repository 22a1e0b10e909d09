namespace Daalu.Router.LoadBalancing;

/// <summary>One call counted into a backend's <see cref="LoadTracker"/>: what it added, so it is counted out exactly once.</summary>
/// <param name="tokens">KV tokens counted in (prompt + expected output, <see cref="LoadTracker.ExpectedTokens"/>).</param>
/// <param name="prefillTokens">Prompt tokens the backend must prefill for it: the prompt less what its prefix cache likely holds.</param>
public sealed class LoadTicket(long tokens, long prefillTokens)
{
    /// <summary>KV tokens counted in.</summary>
    public long Tokens { get; } = tokens;

    /// <summary>Prompt tokens counted into the prefill backlog until the first token or the end.</summary>
    public long PrefillTokens { get; } = prefillTokens;

    /// <summary>Prompt tokens awaiting prefill on the backend when this call was sent (ahead of it, first come first served).</summary>
    public long BacklogAhead { get; init; }

    /// <summary>Whether the prefill has been counted out (first token seen, or the call ended).</summary>
    internal bool PrefillDone { get; set; }
}

namespace Daalu.Router.LoadBalancing;

/// <summary>How <see cref="LoadTracker"/> learns a card's prefill rate from the first tokens it sees.</summary>
public enum PrefillRateRule
{
    /// <summary>
    /// The prompt tokens the card served over the time it spent serving them: each first token closes an interval of
    /// the card's busy time (from the previous first token, or from when this router's prefill backlog there became
    /// non-empty) and credits the call's own uncached tokens to it; a sample is taken once 1,024 tokens are credited.
    /// Tokens the card likely held (the conversation sent there before, or a shared system prompt sent there by any
    /// conversation, <see cref="PrefixIndex.HeldTokens"/>) are not credited: vLLM serves full cached blocks from its
    /// prefix cache without computing them (vLLM docs, "Automatic Prefix Caching"). Work in progress when a call came is
    /// credited once, when its own first token comes, so it is not counted again for the calls behind it: vLLM's
    /// scheduler prefills waiting prompts first come, first served within a per-step budget of max_num_batched_tokens,
    /// chunking long ones (vLLM docs, "Optimization and Tuning", Chunked Prefill).
    /// </summary>
    ServedOverBusyTime,

    /// <summary>
    /// The tenth session's rule: each call that waited for at least 1,024 tokens teaches (tokens queued ahead of it when
    /// it was sent + its own) over its time to first token, and only the conversation's own prefix counts as cached.
    /// Kept for side-by-side measurement (the workload benchmark's BENCH_OLD_PREFILL_RATE); it over-estimates the rate.
    /// </summary>
    WaitedPerCall,
}

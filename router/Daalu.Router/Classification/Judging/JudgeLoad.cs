using System.Text.Json.Nodes;
using Daalu.Router.LoadBalancing;

namespace Daalu.Router.Classification.Judging;

/// <summary>
/// What one judge call adds to its backend's load view (<see cref="IBackendLoadCounter"/>): the prompt tokens the card
/// prefills, the KV it holds (prompt + the one token it answers), and the prefix key. The key's shared part is the
/// judge's fixed instruction (its system message, the same on every call of a purpose), which the card's prefix cache
/// keeps after the first call (vLLM docs, "Automatic Prefix Caching"): with the key the load view counts only the
/// prompt's varying part as prefill. Tokens are estimated at 4 characters each, as the cascade estimates a request's
/// (the request parser's PromptTokenEstimate), over the messages as the prefix hasher reads them. Pure.
/// </summary>
/// <param name="PromptTokens">Prompt tokens of the call (whole, before any cache).</param>
/// <param name="ExpectedTokens">KV tokens it may hold: <see cref="LoadTracker.ExpectedTokens"/> of the prompt and its answer.</param>
/// <param name="Key">Its prefix key (null when the body has no text to key on).</param>
public sealed record JudgeLoad(long PromptTokens, long ExpectedTokens, PrefixKey? Key)
{
    /// <summary>Output tokens a judge call asks for (<see cref="JudgePrompts"/>: one digit).</summary>
    public const int AnswerTokens = 1;

    /// <summary>The load of a judge request built by <see cref="JudgePrompts"/>.</summary>
    public static JudgeLoad Of(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var key = JsonNode.Parse(body) is JsonObject o ? PrefixHasher.Compute(o) : null;
        // The key's block count is the messages' length in 64-character blocks; without one, the body's bytes.
        var prompt = key is { } k ? (long)k.Blocks * PrefixIndex.BlockTokens : Math.Max(1, body.Length / 4);
        return new JudgeLoad(prompt, LoadTracker.ExpectedTokens(prompt, AnswerTokens), key);
    }
}

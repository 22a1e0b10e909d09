using System.Text.Json.Nodes;

namespace Daalu.Router.LoadBalancing;

/// <summary>
/// Hashes a request's leading content in blocks, as vLLM's automatic prefix caching does (a KV block holds 16 tokens by
/// default and is reused only when every token before it is equal, so each block's hash chains its parent's: vLLM
/// docs, "Automatic Prefix Caching", design/prefix_caching). The router has no tokenizer, so a block is approximated as
/// <see cref="BlockChars"/> characters (16 tokens at 4 characters per token, OpenAI's rule of thumb for English; the
/// engine simulator tokenizes at the same rate), which is also what llm-d's approximate prefix-cache scorer does
/// (the prefix-cache-scorer of gateway-api-inference-extension that llm-d-inference-scheduler configures: a block is
/// blockSizeTokens x averageCharactersPerToken (4) characters of the request, hashed in a chain, matched against an LRU
/// index per server of the blocks recently routed there; ours is kept per conversation key, see <see cref="PrefixIndex"/>).
///
/// The key that picks a backend is the chain hash through the end of the first non-system message: every turn of one
/// conversation (an agent loop resends the whole history and appends to it) has the same key, while two conversations
/// that share only a system prompt have different keys and spread out. Chat messages are hashed as "role\ncontent\n"
/// in order, so the key depends only on the request itself and every router replica computes the same one.
/// </summary>
public static class PrefixHasher
{
    /// <summary>Characters per block: 16 tokens x 4 characters.</summary>
    public const int BlockChars = 64;

    /// <summary>The key covers at most this many blocks (2,048 tokens); a longer first turn is keyed on its start.</summary>
    public const int MaxKeyBlocks = 128;

    /// <summary>Legacy completions have no turns: their key is the first blocks of the prompt, up to this many (512 tokens).</summary>
    public const int PromptKeyBlocks = 32;

    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>The prefix key of a chat or completions body; null when it has no text to key on.</summary>
    public static PrefixKey? Compute(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        List<PrefixTurn>? turns = null;
        if (body["messages"] is JsonArray messages)
        {
            turns = new List<PrefixTurn>(messages.Count);
            foreach (var m in messages)
            {
                if (m is JsonObject msg)
                {
                    var role = msg["role"] is JsonValue r && r.TryGetValue<string>(out var rs) ? rs : string.Empty;
                    turns.Add(new PrefixTurn(role, ContentTexts(msg["content"])));
                }
            }
        }

        return Compute(turns, body["prompt"] is JsonValue p && p.TryGetValue<string>(out var prompt) ? prompt : null);
    }

    /// <summary>
    /// The prefix key of a chat request's messages (<paramref name="turns"/>, null when it has no messages array) or, if
    /// it has none, of a completions prompt string; null when there is no text to key on. Request bodies read without a
    /// JSON tree give their turns this way (the request parser's reader).
    /// </summary>
    public static PrefixKey? Compute(IReadOnlyList<PrefixTurn>? turns, string? prompt)
    {
        if (turns is not null)
        {
            // Only the characters the key's blocks cover are copied (at most MaxKeyBlocks blocks, fewer once the first
            // non-system message has ended); the rest of the conversation, the bulk of a long agent loop, is only counted.
            var text = new Builder(MaxKeyBlocks * BlockChars);
            var keyEnd = -1;
            var sharedEnd = 0;
            foreach (var turn in turns)
            {
                if (keyEnd < 0 && turn.Role is not ("system" or "developer"))
                {
                    sharedEnd = text.Length; // the leading system texts end here
                }

                text.Append(turn.Role);
                text.Append("\n");
                foreach (var t in turn.Texts)
                {
                    text.Append(t);
                }

                text.Append("\n");
                if (keyEnd < 0 && turn.Role is not ("system" or "developer"))
                {
                    keyEnd = text.Length;
                    text.Needed = Math.Clamp(keyEnd / BlockChars, 1, MaxKeyBlocks) * BlockChars;
                }
            }

            return FromPrefix(text.Copied.ToString(), text.Length, keyEnd < 0 ? text.Length : keyEnd, MaxKeyBlocks, sharedEnd);
        }

        return prompt is not null ? FromText(prompt, prompt.Length, PromptKeyBlocks) : null;
    }

    /// <summary>
    /// The key of <paramref name="text"/> whose identifying part ends at <paramref name="keyEnd"/>, and whose first
    /// <paramref name="sharedEnd"/> characters are a prefix other conversations share (<see cref="PrefixKey.SharedKey"/>; 0 for none).
    /// </summary>
    public static PrefixKey? FromText(string text, int keyEnd, int maxKeyBlocks, int sharedEnd = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        return FromPrefix(text, text.Length, keyEnd, maxKeyBlocks, sharedEnd);
    }

    // The key of a text of totalLength characters of which prefix holds at least the blocks the key covers. The shared
    // part is the whole blocks before sharedEnd (vLLM caches full blocks only), at most the key's blocks: its hash is the
    // key's chain at that block, so two requests share it exactly when their texts agree through it.
    private static PrefixKey? FromPrefix(string prefix, int totalLength, int keyEnd, int maxKeyBlocks, int sharedEnd)
    {
        if (totalLength == 0)
        {
            return null;
        }

        // Whole blocks up to the end of the identifying part; one (possibly partial) block when it is shorter than that.
        var keyBlocks = Math.Clamp(keyEnd / BlockChars, 1, maxKeyBlocks);
        var sharedBlocks = Math.Clamp(Math.Min(sharedEnd, keyEnd) / BlockChars, 0, keyBlocks);
        var hash = 0UL;
        var shared = 0UL;
        for (var b = 0; b < keyBlocks; b++)
        {
            var start = b * BlockChars;
            var end = Math.Min(start + BlockChars, totalLength);
            hash = ChainHash(hash, prefix.AsSpan(start, Math.Max(0, end - start)));
            if (b + 1 == sharedBlocks)
            {
                shared = hash;
            }
        }

        return new PrefixKey(hash, keyBlocks, (totalLength + BlockChars - 1) / BlockChars) { SharedKey = shared, SharedBlocks = sharedBlocks };
    }

    /// <summary>FNV-1a over the parent's hash and the block's characters: equal only for equal prefixes (up to collisions).</summary>
    public static ulong ChainHash(ulong parent, ReadOnlySpan<char> block)
    {
        var h = (FnvOffset ^ parent) * FnvPrime;
        foreach (var c in block)
        {
            h = (h ^ c) * FnvPrime;
        }

        return h;
    }

    // A message content's texts: the string, or the string text of each part object.
    private static List<string> ContentTexts(JsonNode? content)
    {
        switch (content)
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                return [s];
            case JsonArray parts:
                var texts = new List<string>();
                foreach (var part in parts)
                {
                    if (part is JsonObject o && o["text"] is JsonValue t && t.TryGetValue<string>(out var ts))
                    {
                        texts.Add(ts);
                    }
                }

                return texts;
            default:
                return [];
        }
    }

    // The conversation as "role\ncontent\n...": its full length, and its characters only up to Needed.
    private struct Builder(int needed)
    {
        public System.Text.StringBuilder Copied { get; } = new();

        public int Length { get; private set; }

        public int Needed { get; set; } = needed;

        public void Append(string s)
        {
            Length += s.Length;
            var room = Needed - Copied.Length;
            if (room > 0)
            {
                Copied.Append(s.AsSpan(0, Math.Min(room, s.Length)));
            }
        }
    }
}

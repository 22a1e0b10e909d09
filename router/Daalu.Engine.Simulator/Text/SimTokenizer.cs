namespace Daalu.Engine.Simulator.Text;

/// <summary>
/// A stand-in tokenizer: one token per 4 characters (OpenAI's rule of thumb for English), each token id a hash of its
/// characters, so equal prefixes give equal ids (what prefix caching needs) and counts are deterministic. Chat messages
/// go through a ChatML template (Qwen2.5's), so a shared system prompt is a shared token prefix.
/// </summary>
public static class SimTokenizer
{
    /// <summary>Characters per token.</summary>
    public const int CharsPerToken = 4;

    /// <summary>Token ids of <paramref name="text"/>.</summary>
    public static List<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>((text.Length + CharsPerToken - 1) / CharsPerToken);
        for (var i = 0; i < text.Length; i += CharsPerToken)
        {
            var h = 2166136261u;
            for (var j = i; j < Math.Min(i + CharsPerToken, text.Length); j++)
            {
                h = (h ^ text[j]) * 16777619u;
            }

            ids.Add((int)(h & 0x7FFFFFFF));
        }

        return ids;
    }

    /// <summary>Tokens a text counts as.</summary>
    public static int Count(string text) => string.IsNullOrEmpty(text) ? 0 : (text.Length + CharsPerToken - 1) / CharsPerToken;

    /// <summary>The ChatML rendering of messages plus the assistant turn header.</summary>
    public static string ChatTemplate(IEnumerable<(string Role, string Content)> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sb = new System.Text.StringBuilder();
        foreach (var (role, content) in messages)
        {
            sb.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");
        }

        return sb.Append("<|im_start|>assistant\n").ToString();
    }
}

using System.Text.Json;

namespace Daalu.Router.Translation;

/// <summary>
/// The facts the chat-to-other-API stream translators need from one <c>chat.completion.chunk</c> (choice 0 only:
/// the inbound dialects never ask for n &gt; 1). Wire format: OpenAI's ChatCompletionChunk
/// (openai npm SDK 7.55.0 resources/chat/completions/completions.d.ts), as vLLM and OpenAI send it; vLLM adds a
/// <c>stop_reason</c> beside <c>finish_reason</c> with the matched stop string.
/// </summary>
internal sealed class ChatChunk
{
    public string? Content { get; private set; }

    public string? FinishReason { get; private set; }

    public string? StopSequence { get; private set; }

    public List<ToolCallDelta> ToolCalls { get; } = [];

    public bool HasUsage { get; private set; }

    public long PromptTokens { get; private set; }

    public long CompletionTokens { get; private set; }

    public long CachedTokens { get; private set; }

    public string? ErrorMessage { get; private set; }

    public static ChatChunk Parse(ReadOnlySpan<byte> json)
    {
        var chunk = new ChatChunk();
        using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TranslationException("a stream chunk is not a JSON object");
        }

        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            chunk.ErrorMessage = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : "upstream error";
            return chunk;
        }

        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            chunk.HasUsage = true;
            chunk.PromptTokens = Long(usage, "prompt_tokens");
            chunk.CompletionTokens = Long(usage, "completion_tokens");
            if (usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object)
            {
                chunk.CachedTokens = Long(details, "cached_tokens");
            }
        }

        if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
        {
            return chunk;
        }

        var choice = choices[0];
        if (choice.TryGetProperty("finish_reason", out var fr) && fr.ValueKind == JsonValueKind.String)
        {
            chunk.FinishReason = fr.GetString();
        }

        if (choice.TryGetProperty("stop_reason", out var sr) && sr.ValueKind == JsonValueKind.String)
        {
            chunk.StopSequence = sr.GetString();
        }

        if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
        {
            return chunk;
        }

        if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            chunk.Content = content.GetString();
        }

        if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                var index = call.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : 0;
                string? id = call.TryGetProperty("id", out var idEl) && idEl.ValueKind == JsonValueKind.String ? idEl.GetString() : null;
                string? name = null, arguments = null;
                if (call.TryGetProperty("function", out var fn) && fn.ValueKind == JsonValueKind.Object)
                {
                    name = fn.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                    arguments = fn.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                }

                chunk.ToolCalls.Add(new ToolCallDelta(index, id, name, arguments));
            }
        }

        return chunk;
    }

    private static long Long(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;

    /// <summary>One tool call fragment: the first fragment of a call carries its id and name.</summary>
    internal readonly record struct ToolCallDelta(int Index, string? Id, string? Name, string? Arguments);
}

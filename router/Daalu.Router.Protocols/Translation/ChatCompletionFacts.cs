using System.Text.Json;

namespace Daalu.Router.Translation;

/// <summary>
/// What the chat-to-other-API response translators read from a whole <c>chat.completion</c> (choice 0): the
/// assistant text, its tool calls, why it stopped and the usage. Wire format: OpenAI's ChatCompletion (openai npm
/// SDK 7.55.0 resources/chat/completions/completions.d.ts); vLLM adds <c>stop_reason</c> (the matched stop string).
/// </summary>
internal sealed class ChatCompletionFacts
{
    public string? Text { get; private set; }

    public string? FinishReason { get; private set; }

    public string? StopSequence { get; private set; }

    public List<(string Id, string Name, string Arguments)> ToolCalls { get; } = [];

    public long PromptTokens { get; private set; }

    public long CompletionTokens { get; private set; }

    public long CachedTokens { get; private set; }

    public static ChatCompletionFacts Parse(ReadOnlySpan<byte> json)
    {
        var facts = new ChatCompletionFacts();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException ex)
        {
            throw new TranslationException("the chat completion is not valid JSON", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            {
                throw new TranslationException("the chat completion has no choices");
            }

            var choice = choices[0];
            facts.FinishReason = choice.TryGetProperty("finish_reason", out var fr) && fr.ValueKind == JsonValueKind.String ? fr.GetString() : null;
            facts.StopSequence = choice.TryGetProperty("stop_reason", out var sr) && sr.ValueKind == JsonValueKind.String ? sr.GetString() : null;
            if (choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
            {
                if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    facts.Text = content.GetString();
                }
                else if (message.TryGetProperty("refusal", out var refusal) && refusal.ValueKind == JsonValueKind.String)
                {
                    facts.Text = refusal.GetString();
                }

                if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    foreach (var call in calls.EnumerateArray())
                    {
                        if (!call.TryGetProperty("function", out var fn) || fn.ValueKind != JsonValueKind.Object)
                        {
                            continue;
                        }

                        var id = call.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : $"call_{facts.ToolCalls.Count}";
                        var name = fn.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
                        var args = fn.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "{}";
                        facts.ToolCalls.Add((id, name, args));
                    }
                }
            }

            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                facts.PromptTokens = Long(usage, "prompt_tokens");
                facts.CompletionTokens = Long(usage, "completion_tokens");
                if (usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object)
                {
                    facts.CachedTokens = Long(details, "cached_tokens");
                }
            }
        }

        return facts;
    }

    private static long Long(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}

using System.Text.Json;

namespace Daalu.Router.Forwarding;

/// <summary>
/// Reads top-level usage and whether choices is empty from an OpenAI response or chunk, without building a DOM. Usage
/// counts are named prompt_tokens/completion_tokens in Chat Completions and input_tokens/output_tokens in the
/// Responses API (openai npm SDK 7.55.0 resources/responses/responses.d.ts ResponseUsage; vLLM's ResponseUsage in
/// vllm/entrypoints/openai/serving_responses.py responses_full_generator); either is read.
/// </summary>
public static class UsageScanner
{
    /// <summary>Scans <paramref name="json"/>; false when it is not a JSON object.</summary>
    public static bool TryScan(ReadOnlySpan<byte> json, out long promptTokens, out long completionTokens, out bool hasUsage, out bool choicesEmpty)
    {
        promptTokens = completionTokens = 0;
        hasUsage = false;
        choicesEmpty = false;
        try
        {
            var r = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 128 });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("choices"u8))
                {
                    r.Read();
                    if (r.TokenType == JsonTokenType.StartArray)
                    {
                        var peek = r;
                        peek.Read();
                        choicesEmpty = peek.TokenType == JsonTokenType.EndArray;
                    }

                    r.Skip();
                }
                else if (r.ValueTextEquals("usage"u8))
                {
                    r.Read();
                    if (r.TokenType != JsonTokenType.StartObject)
                    {
                        r.Skip();
                        continue;
                    }

                    hasUsage = true;
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        var isPrompt = r.ValueTextEquals("prompt_tokens"u8) || r.ValueTextEquals("input_tokens"u8);
                        var isCompletion = r.ValueTextEquals("completion_tokens"u8) || r.ValueTextEquals("output_tokens"u8);
                        r.Read();
                        if (isPrompt && r.TokenType == JsonTokenType.Number)
                        {
                            promptTokens = r.GetInt64();
                        }
                        else if (isCompletion && r.TokenType == JsonTokenType.Number)
                        {
                            completionTokens = r.GetInt64();
                        }
                        else
                        {
                            r.Skip();
                        }
                    }
                }
                else
                {
                    r.Read();
                    r.Skip();
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

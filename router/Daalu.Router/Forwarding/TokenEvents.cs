using System.Text.Json;

namespace Daalu.Router.Forwarding;

/// <summary>
/// Whether a streamed OpenAI chunk carries generated tokens, for the estimate of a stream that ends without a usage
/// figure. vLLM opens a chat stream with a delta that holds only the role and an empty content, and closes it with an
/// empty delta and a finish_reason (vLLM's OpenAI server, serving_chat.py; OpenAI's chat.completion.chunk reference):
/// neither is an output token, so counting every event billed one token too many. A chunk counts when a choice holds a
/// non-empty generated string: delta content, reasoning, refusal, a tool call's name or arguments, or a completion's text.
/// Each such event holds at least one token, so the count never exceeds what was forwarded.
/// </summary>
public static class TokenEvents
{
    /// <summary>True when <paramref name="json"/> (one chunk's data) carries generated text in its choices.</summary>
    public static bool CarriesTokens(ReadOnlySpan<byte> json)
    {
        try
        {
            var r = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 128 });
            var choicesDepth = -1;
            while (r.Read())
            {
                if (r.TokenType == JsonTokenType.PropertyName)
                {
                    if (choicesDepth < 0)
                    {
                        if (r.CurrentDepth == 1 && r.ValueTextEquals("choices"u8))
                        {
                            choicesDepth = 1;
                        }

                        continue;
                    }

                    var generated = r.ValueTextEquals("content"u8) || r.ValueTextEquals("text"u8) || r.ValueTextEquals("reasoning_content"u8)
                        || r.ValueTextEquals("reasoning"u8) || r.ValueTextEquals("refusal"u8) || r.ValueTextEquals("arguments"u8) || r.ValueTextEquals("name"u8);
                    if (!r.Read())
                    {
                        return false;
                    }

                    if (generated && r.TokenType == JsonTokenType.String && r.ValueSpan.Length > 0)
                    {
                        return true;
                    }
                }
                else if (choicesDepth >= 0 && r.TokenType == JsonTokenType.EndArray && r.CurrentDepth == choicesDepth)
                {
                    choicesDepth = -1;
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

using System.Buffers;
using System.Text.Json;

namespace Daalu.Router.Classification.Judging;

/// <summary>
/// The judge's two questions as OpenAI-compatible chat requests, and the parser of its one-token answers. Pure.
/// </summary>
/// <remarks>
/// Shape from the seed on inference routing (the smallest own-GPU model asked to rate the prompt 1-3, one output token,
/// temperature 0, the prompt truncated to about 500 characters). <c>max_tokens</c> and <c>temperature</c> are the
/// sampling parameters of vLLM's OpenAI-compatible server (docs.vllm.ai, "OpenAI-Compatible Server", Chat API; the
/// answer is <c>choices[0].message.content</c>). A tokenizer may put a space before the digit, so the parser trims.
/// </remarks>
public static class JudgePrompts
{
    /// <summary>Characters of the prompt the judge sees.</summary>
    public const int PromptChars = 500;

    /// <summary>Characters of an answer the quality judge sees.</summary>
    public const int AnswerChars = 1500;

    /// <summary>The system message of the difficulty question.</summary>
    public const string DifficultyInstruction =
        "Rate how hard the user's request is for an AI assistant. Reply with one digit only. " +
        "1: a short factual question, a greeting or small talk. " +
        "2: explain, summarise, rewrite, extract, review or advise on something given. " +
        "3: write or debug code, solve math, or reason or plan in several steps.";

    /// <summary>The system message of the quality question.</summary>
    public const string QualityInstruction =
        "You grade an AI assistant's answer to a request. Reply with one digit only, from 1 (wrong, useless or off-topic) " +
        "to 5 (correct, complete and clear).";

    /// <summary>The chat request that asks the judge to rate a prompt 1-3.</summary>
    public static byte[] Difficulty(string model, string prompt) =>
        Build(model, DifficultyInstruction, Truncate(prompt, PromptChars));

    /// <summary>The chat request that asks the judge to score an answer 1-5.</summary>
    public static byte[] Quality(string model, string prompt, string answer) =>
        Build(model, QualityInstruction, "Request:\n" + Truncate(prompt, PromptChars) + "\n\nAnswer:\n" + Truncate(answer, AnswerChars));

    /// <summary>
    /// The digit in a chat completion body, when its content is exactly one digit in 1..max (whitespace around it
    /// allowed); null for anything else (prose, two digits, another number, a broken body).
    /// </summary>
    public static int? ParseDigit(ReadOnlySpan<byte> completion, int max)
    {
        try
        {
            var reader = new Utf8JsonReader(completion);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (!doc.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array ||
                choices.GetArrayLength() == 0 || !choices[0].TryGetProperty("message", out var message) ||
                message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("content", out var content) ||
                content.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var text = content.GetString().AsSpan().Trim();
            return text.Length == 1 && text[0] >= '1' && text[0] <= (char)('0' + max) ? text[0] - '0' : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>At most <paramref name="chars"/> characters of the text, never splitting a surrogate pair.</summary>
    public static string Truncate(string text, int chars)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= chars)
        {
            return text;
        }

        var end = char.IsHighSurrogate(text[chars - 1]) ? chars - 1 : chars;
        return text[..end];
    }

    private static byte[] Build(string model, string instruction, string user)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            w.WriteStartArray("messages");
            w.WriteStartObject();
            w.WriteString("role", "system");
            w.WriteString("content", instruction);
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteString("content", user);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteNumber("max_tokens", 1);
            w.WriteNumber("temperature", 0);
            w.WriteBoolean("stream", false);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using Daalu.Router.Translation;

namespace Daalu.Router.Protocols.Tests.Translation;

/// <summary>Feeds chat chunk payloads to a dialect's stream translator and reads back its (event, data) frames.</summary>
internal static class DialectSse
{
    public static List<(string Event, JsonElement Data)> Run(IChatStreamTranslator t, IEnumerable<string> chunks, bool done = true, string? error = null)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var c in chunks)
        {
            t.OnChunk(Encoding.UTF8.GetBytes(c), output);
        }

        if (error is not null)
        {
            t.OnError(error, output);
        }
        else if (done)
        {
            t.OnDone(output);
        }

        var frames = new List<(string, JsonElement)>();
        foreach (var frame in Encoding.UTF8.GetString(output.WrittenSpan).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = frame.Split('\n');
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(lines[1][6..]);
            frames.Add((lines[0][7..], doc.RootElement.Clone()));
        }

        return frames;
    }

    // chat.completion.chunk payloads in vLLM's shape (role first, content/tool-call deltas, finish, usage).
    public static string Role() => "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}";

    public static string Text(string t) => $"{{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{JsonSerializer.Serialize(t)}}},\"finish_reason\":null}}]}}";

    public static string ToolStart(int index, string id, string name) => $"{{\"choices\":[{{\"index\":0,\"delta\":{{\"tool_calls\":[{{\"index\":{index},\"id\":\"{id}\",\"type\":\"function\",\"function\":{{\"name\":\"{name}\",\"arguments\":\"\"}}}}]}},\"finish_reason\":null}}]}}";

    public static string ToolArgs(int index, string args) => $"{{\"choices\":[{{\"index\":0,\"delta\":{{\"tool_calls\":[{{\"index\":{index},\"function\":{{\"arguments\":{JsonSerializer.Serialize(args)}}}}}]}},\"finish_reason\":null}}]}}";

    public static string Finish(string reason, string? stopReason = null) =>
        $"{{\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"{reason}\"{(stopReason is null ? "" : $",\"stop_reason\":\"{stopReason}\"")}}}]}}";

    public static string Usage(int prompt, int completion, int cached = 0) =>
        $"{{\"choices\":[],\"usage\":{{\"prompt_tokens\":{prompt},\"completion_tokens\":{completion},\"total_tokens\":{prompt + completion},\"prompt_tokens_details\":{{\"cached_tokens\":{cached}}}}}}}";
}

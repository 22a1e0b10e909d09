using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router.Translation;

/// <summary>Writes one named server-sent event (<c>event: name</c>, <c>data: json</c>, blank line) and JSON bodies.</summary>
internal static class SseFrames
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(IBufferWriter<byte> output, string eventName, JsonObject data)
    {
        Append(output, "event: "u8);
        Append(output, System.Text.Encoding.UTF8.GetBytes(eventName));
        Append(output, "\ndata: "u8);
        using (var w = new Utf8JsonWriter(output, Options))
        {
            data.WriteTo(w);
        }

        Append(output, "\n\n"u8);
    }

    public static byte[] Json(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            node.WriteTo(w);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Append(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        output.Advance(bytes.Length);
    }
}

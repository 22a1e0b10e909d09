using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daalu.Router.Forwarding;

/// <summary>A JSON tree as UTF-8 bytes for an upstream request or a response body.</summary>
internal static class JsonBytes
{
    public static byte[] Serialize(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(w);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

using System.Buffers;

namespace Daalu.Router.Translation;

/// <summary>
/// Turns the <c>chat.completion.chunk</c> payloads of one streamed answer into another API's server-sent events.
/// Each method appends whole SSE frames (<c>event:</c> and <c>data:</c> lines and the blank line) to the output.
/// One instance per answer; not thread-safe.
/// </summary>
public interface IChatStreamTranslator
{
    /// <summary>One chunk's JSON (the text after <c>data: </c>), including a usage-only chunk.</summary>
    void OnChunk(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output);

    /// <summary>The upstream ended cleanly (<c>[DONE]</c>): close every open item and finish the answer.</summary>
    void OnDone(IBufferWriter<byte> output);

    /// <summary>The answer broke after it started: end it with the dialect's in-band error, never a clean finish.</summary>
    void OnError(string message, IBufferWriter<byte> output);
}

using System.Buffers;
using System.Text;
using Daalu.Router.Forwarding;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

/// <summary>
/// The identity translation of a Responses stream, without a host. Frames as vLLM writes them:
/// "event: TYPE\ndata: JSON\n\n" (vllm/entrypoints/openai/responses/api_router.py, _convert_stream_to_sse_events), with
/// response.created and response.in_progress first, before the prompt is scheduled (serving_responses.py,
/// responses_stream_generator).
/// </summary>
public sealed class ResponsesFramesTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static ResponsesEvent Feed(ResponsesFrames frames, string type, int seq, out byte[] dataLine)
    {
        frames.OnEventLine(B($"event: {type}"));
        var payload = $"{{\"sequence_number\":{seq},\"type\":\"{type}\"}}";
        dataLine = B("data: " + payload);
        return frames.Read(B(payload));
    }

    [Fact]
    public void Write_AfterHeldLifecycleFrames_HeldFramesFirstThenTheOutputFrameEachAsSent()
    {
        var frames = new ResponsesFrames();
        var output = new ArrayBufferWriter<byte>();

        Assert.Equal(ResponsesEventKind.Lifecycle, Feed(frames, "response.created", 0, out var created).Kind);
        frames.Hold(created);
        Assert.Equal(ResponsesEventKind.Lifecycle, Feed(frames, "response.in_progress", 1, out var inProgress).Kind);
        frames.Hold(inProgress);
        Assert.Equal(0, output.WrittenCount);
        Feed(frames, "response.output_item.added", 2, out var added);
        frames.Write(output, added);

        Assert.Equal(
            "event: response.created\ndata: {\"sequence_number\":0,\"type\":\"response.created\"}\n\n"
            + "event: response.in_progress\ndata: {\"sequence_number\":1,\"type\":\"response.in_progress\"}\n\n"
            + "event: response.output_item.added\ndata: {\"sequence_number\":2,\"type\":\"response.output_item.added\"}\n\n",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Write_DataLineWithoutEventLine_DataFrameOnly()
    {
        var frames = new ResponsesFrames();
        var output = new ArrayBufferWriter<byte>();
        frames.Read(B("{\"type\":\"response.output_text.delta\",\"delta\":\"a\"}"));

        frames.Write(output, B("data: {\"type\":\"response.output_text.delta\",\"delta\":\"a\"}"));

        Assert.Equal("data: {\"type\":\"response.output_text.delta\",\"delta\":\"a\"}\n\n", Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(0, frames.Sequence); // no sequence_number: counted on from -1
    }

    [Fact]
    public void WriteError_AfterSequenceSix_ErrorEventSeven()
    {
        var frames = new ResponsesFrames();
        var output = new ArrayBufferWriter<byte>();
        Feed(frames, "response.output_text.delta", 6, out _);

        frames.WriteError(output, "broke");

        Assert.Contains("\"sequence_number\":7", Encoding.UTF8.GetString(output.WrittenSpan), StringComparison.Ordinal);
    }
}

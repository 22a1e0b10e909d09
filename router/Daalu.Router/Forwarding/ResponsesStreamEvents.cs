using System.Buffers;
using System.Text.Json;

namespace Daalu.Router.Forwarding;

/// <summary>
/// What one event of a Responses API stream means to the relay when the upstream speaks Responses itself (identity
/// translation): the end of the answer with its usage (<c>response.completed</c>, or <c>response.incomplete</c> when
/// max_output_tokens cut it short, each carrying the whole response with <c>usage.input_tokens</c> and
/// <c>usage.output_tokens</c>), a failure (<c>response.failed</c>, <c>error</c>), an event that carries generated
/// tokens (the estimate of a stream that ends without usage), the lifecycle events vLLM sends before generating
/// (responses_stream_generator in vllm/entrypoints/openai/serving_responses.py yields response.created and
/// response.in_progress before the first output), or anything else. vLLM sends each event as
/// "event: TYPE\ndata: JSON\n\n" with no [DONE] after the last (vllm/entrypoints/openai/responses/api_router.py,
/// _convert_stream_to_sse_events); event names and fields: openai npm SDK 7.55.0 resources/responses/responses.d.ts
/// (ResponseStreamEvent, ResponseCompletedEvent, ResponseErrorEvent).
/// </summary>
public static class ResponsesStreamEvents
{
    /// <summary>Reads one event's data (JSON); an unreadable payload is <see cref="ResponsesEventKind.Other"/>.</summary>
    public static ResponsesEvent Read(ReadOnlySpan<byte> data)
    {
        var kind = ResponsesEventKind.Other;
        long sequence = -1, input = 0, output = 0;
        var hasUsage = false;
        var hasDelta = false;
        try
        {
            var r = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 128 });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return new ResponsesEvent(kind, 0, 0, false, sequence);
            }

            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("type"u8))
                {
                    r.Read();
                    kind = r.TokenType == JsonTokenType.String ? KindOf(ref r) : ResponsesEventKind.Other;
                }
                else if (r.ValueTextEquals("sequence_number"u8))
                {
                    r.Read();
                    sequence = r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var n) ? n : -1;
                }
                else if (r.ValueTextEquals("delta"u8))
                {
                    r.Read();
                    hasDelta = r.TokenType == JsonTokenType.String && r.ValueSpan.Length > 0;
                    r.Skip();
                }
                else if (r.ValueTextEquals("response"u8))
                {
                    r.Read();
                    var start = (int)r.TokenStartIndex;
                    r.Skip();
                    var end = (int)r.BytesConsumed;
                    // The response object's own top-level usage, read by the same scanner as a whole JSON answer.
                    UsageScanner.TryScan(data[start..end], out input, out output, out hasUsage, out _);
                }
                else
                {
                    r.Read();
                    r.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return new ResponsesEvent(ResponsesEventKind.Other, 0, 0, false, -1);
        }

        if (kind == ResponsesEventKind.Tokens && !hasDelta)
        {
            kind = ResponsesEventKind.Other;
        }

        return new ResponsesEvent(kind, input, output, hasUsage && kind == ResponsesEventKind.Completed, sequence);
    }

    /// <summary>
    /// An <c>error</c> event that ends a stream broken after its first event, in the client's API, numbered after the
    /// last event relayed.
    /// </summary>
    public static void WriteError(IBufferWriter<byte> output, string message, long sequenceNumber)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write("event: error\ndata: "u8);
        using (var w = new Utf8JsonWriter(output))
        {
            w.WriteStartObject();
            w.WriteString("type", "error");
            w.WriteString("code", "server_error");
            w.WriteString("message", message);
            w.WriteNull("param");
            w.WriteNumber("sequence_number", sequenceNumber);
            w.WriteEndObject();
        }

        output.Write("\n\n"u8);
    }

    private static ResponsesEventKind KindOf(ref Utf8JsonReader r) =>
        r.ValueTextEquals("response.completed"u8) || r.ValueTextEquals("response.incomplete"u8) ? ResponsesEventKind.Completed
        : r.ValueTextEquals("response.failed"u8) || r.ValueTextEquals("error"u8) ? ResponsesEventKind.Failed
        : r.ValueTextEquals("response.created"u8) || r.ValueTextEquals("response.in_progress"u8) || r.ValueTextEquals("response.queued"u8) ? ResponsesEventKind.Lifecycle
        : r.ValueTextEquals("response.output_text.delta"u8) || r.ValueTextEquals("response.function_call_arguments.delta"u8)
          || r.ValueTextEquals("response.reasoning_text.delta"u8) || r.ValueTextEquals("response.refusal.delta"u8) ? ResponsesEventKind.Tokens
        : ResponsesEventKind.Other;
}

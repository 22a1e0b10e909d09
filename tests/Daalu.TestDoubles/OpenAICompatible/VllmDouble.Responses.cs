using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Daalu.TestDoubles.OpenAICompatible;

/// <summary>
/// vLLM's own <c>POST /v1/responses</c>, for the router's native Responses forwarding. Follows vLLM's source:
/// vllm/entrypoints/openai/responses/api_router.py (create_responses: a JSON ResponsesResponse, or
/// <c>text/event-stream</c> of "event: TYPE\ndata: JSON\n\n" per event with no [DONE]; an ErrorResponse with the
/// status of its error.code), vllm/entrypoints/openai/serving_responses.py (responses_full_generator: output items and
/// ResponseUsage input_tokens / output_tokens / total_tokens with cached and reasoning details) and
/// vllm/entrypoints/openai/responses/simple_streaming_events.py (the event order for a non-Harmony model: created,
/// in_progress, output_item.added, content_part.added, output_text.delta..., output_text.done, content_part.done,
/// output_item.done, completed; a function call as output_item.added, function_call_arguments.delta...,
/// function_call_arguments.done, output_item.done). Versions without the endpoint answer FastAPI's 404
/// <c>{"detail":"Not Found"}</c>, which is what this double answers until <see cref="ServesResponses"/> is set.
/// </summary>
public sealed partial class VllmDouble
{
    /// <summary>Serve /v1/responses (a vLLM version that has it); false answers 404 as older versions do.</summary>
    public bool ServesResponses { get; set; }

    private async Task ServeResponsesAsync(HttpContext c)
    {
        using var reader = new StreamReader(c.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(c.RequestAborted);
        if (!ServesResponses)
        {
            Record(c, body, null, false, 0, 0, false, false);
            c.Response.StatusCode = 404;
            await c.Response.WriteAsync("{\"detail\":\"Not Found\"}", c.RequestAborted);
            return;
        }

        JsonObject request;
        try
        {
            request = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            Record(c, body, null, false, 0, 0, false, false);
            await WriteErrorAsync(c, 400, "BadRequestError", "invalid JSON body");
            return;
        }

        var model = request["model"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : null;
        var stream = request["stream"] is JsonValue s && s.GetValueKind() == JsonValueKind.True;
        var hasTools = request["tools"] is JsonArray { Count: > 0 };
        if (Faults.TakeStatus() is { } status)
        {
            Record(c, body, model, stream, 0, 0, false, false);
            await WriteErrorAsync(c, status, status >= 500 ? "InternalServerError" : "BadRequestError", Faults.StatusMessage);
            return;
        }

        if (model is null || !Models.Contains(model))
        {
            Record(c, body, model, stream, 0, 0, false, false);
            await WriteErrorAsync(c, 404, "NotFoundError", $"The model `{model}` does not exist.");
            return;
        }

        var promptTokens = Math.Max(1, Encoding.UTF8.GetByteCount(body) / 4);
        var id = Guid.NewGuid().ToString("N");
        var itemId = (hasTools ? "fc_" : "msg_") + id;
        var text = $"answer from {Name}: " + string.Concat(Enumerable.Range(0, Chunks).Select(i => $"tok{i} "));
        const string Arguments = "{\"city\":\"Paris\"}";
        JsonObject Item(string itemStatus, bool full) => hasTools
            ? new JsonObject { ["arguments"] = full ? Arguments : "", ["call_id"] = "call_" + id, ["name"] = "get_weather", ["type"] = "function_call", ["id"] = itemId, ["status"] = itemStatus }
            : new JsonObject
            {
                ["id"] = itemId, ["content"] = full ? new JsonArray { OutputText(text) } : new JsonArray(), ["role"] = "assistant", ["status"] = itemStatus, ["type"] = "message",
            };
        JsonObject Response(string responseStatus, bool withOutput) => new()
        {
            ["id"] = "resp_" + id,
            ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["incomplete_details"] = null,
            ["instructions"] = request["instructions"]?.DeepClone(),
            ["metadata"] = request["metadata"]?.DeepClone(),
            ["model"] = model,
            ["object"] = "response",
            ["output"] = withOutput ? new JsonArray { Item("completed", full: true) } : new JsonArray(),
            ["parallel_tool_calls"] = true,
            ["temperature"] = request["temperature"]?.DeepClone() ?? 1.0,
            ["tool_choice"] = request["tool_choice"]?.DeepClone() ?? "auto",
            ["tools"] = request["tools"]?.DeepClone() ?? new JsonArray(),
            ["top_p"] = request["top_p"]?.DeepClone() ?? 1.0,
            ["background"] = false,
            ["max_output_tokens"] = request["max_output_tokens"]?.DeepClone(),
            ["previous_response_id"] = null,
            ["status"] = responseStatus,
            ["store"] = request["store"]?.DeepClone() ?? true,
            ["text"] = null,
            ["truncation"] = "disabled",
            ["usage"] = withOutput ? Usage(promptTokens, Chunks) : null,
        };

        if (!stream)
        {
            Record(c, body, model, false, promptTokens, Chunks, true, false);
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync(Response("completed", withOutput: true).ToJsonString(), c.RequestAborted);
            return;
        }

        c.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        c.Response.ContentType = "text/event-stream";
        var sequence = 0;
        async Task EmitAsync(string type, JsonObject fields)
        {
            fields["sequence_number"] = sequence++;
            fields["type"] = type;
            await c.Response.WriteAsync($"event: {type}\ndata: {fields.ToJsonString()}\n\n", c.RequestAborted);
            await c.Response.Body.FlushAsync(c.RequestAborted);
        }

        try
        {
            await c.Response.StartAsync(c.RequestAborted);
            await EmitAsync("response.created", new JsonObject { ["response"] = Response("in_progress", withOutput: false) });
            await EmitAsync("response.in_progress", new JsonObject { ["response"] = Response("in_progress", withOutput: false) });
            if (Faults.DelayBeforeFirstByte > TimeSpan.Zero)
            {
                // vLLM sends the two lifecycle events before the prompt is scheduled; the wait for the first token follows them.
                await Task.Delay(Faults.DelayBeforeFirstByte, c.RequestAborted);
            }

            await EmitAsync("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = Item("in_progress", full: false) });
            if (!hasTools)
            {
                await EmitAsync("response.content_part.added", new JsonObject { ["output_index"] = 0, ["item_id"] = itemId, ["content_index"] = 0, ["part"] = OutputText("") });
            }

            for (var i = 0; i < Chunks; i++)
            {
                if (Faults.ChunkDelay > TimeSpan.Zero)
                {
                    await Task.Delay(Faults.ChunkDelay, c.RequestAborted);
                }

                if (Faults.DropAfterChunks is { } drop && i >= drop)
                {
                    Record(c, body, model, true, 0, 0, false, false);
                    c.Abort();
                    return;
                }

                var delta = hasTools ? (i == 0 ? Arguments : "") : (i == 0 ? $"answer from {Name}: " : "") + $"tok{i} ";
                if (hasTools && delta.Length == 0)
                {
                    continue;
                }

                await EmitAsync(hasTools ? "response.function_call_arguments.delta" : "response.output_text.delta", new JsonObject
                {
                    ["content_index"] = 0, ["delta"] = delta, ["item_id"] = itemId, ["output_index"] = 0,
                });
            }

            if (hasTools)
            {
                await EmitAsync("response.function_call_arguments.done", new JsonObject { ["arguments"] = Arguments, ["item_id"] = itemId, ["output_index"] = 0 });
            }
            else
            {
                await EmitAsync("response.output_text.done", new JsonObject { ["content_index"] = 0, ["item_id"] = itemId, ["output_index"] = 0, ["text"] = text });
                await EmitAsync("response.content_part.done", new JsonObject { ["content_index"] = 0, ["item_id"] = itemId, ["output_index"] = 0, ["part"] = OutputText(text) });
            }

            await EmitAsync("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = Item("completed", full: true) });
            await EmitAsync("response.completed", new JsonObject { ["response"] = Response("completed", withOutput: true) });
            Record(c, body, model, true, promptTokens, Chunks, true, false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            Record(c, body, model, true, 0, 0, false, true);
        }
    }

    private static JsonObject OutputText(string text) => new() { ["annotations"] = new JsonArray(), ["text"] = text, ["type"] = "output_text", ["logprobs"] = null };

    private static JsonObject Usage(long input, long output) => new()
    {
        ["input_tokens"] = input,
        ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
        ["output_tokens"] = output,
        ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
        ["total_tokens"] = input + output,
    };
}

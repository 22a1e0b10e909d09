using System.Globalization;
using System.Text.Json.Nodes;
using Daalu.Engine.Simulator.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Daalu.Engine.Simulator.Server;

/// <summary>
/// vLLM's <c>POST /v1/responses</c> over the simulated engine, as vLLM serves it for a model that is not gpt-oss
/// (Harmony): vllm/entrypoints/openai/responses/api_router.py (create_responses: a JSON ResponsesResponse, or
/// <c>text/event-stream</c> of "event: TYPE\ndata: JSON\n\n" frames with no [DONE]), serving_responses.py
/// (responses_full_generator: one output item, a message with output_text or a function_call; ResponseUsage with
/// input_tokens, output_tokens, total_tokens and their details) and responses/simple_streaming_events.py (the event order:
/// response.created and response.in_progress before the prompt is scheduled, then output_item.added,
/// content_part.added, output_text.delta per token, output_text.done, content_part.done, output_item.done,
/// response.completed; a function call as output_item.added, function_call_arguments.delta...,
/// function_call_arguments.done, output_item.done). Every event carries its sequence_number from 0. The input is an
/// instructions string plus a string or a list of message items, rendered with the same chat template as chat
/// completions, so timing, prefix caching and usage match a chat call with the same turns. The simulator stores no
/// responses: previous_response_id is refused as vLLM refuses an id it does not hold.
/// </summary>
public static partial class SimulatorApi
{
    private static async Task<IResult> ResponsesAsync(HttpContext ctx, State s)
    {
        var (body, model, refused) = await AdmitAsync(ctx, s, SimulatorTasks.Generate, "Responses");
        if (refused is not null)
        {
            return refused;
        }

        if (Str(body["previous_response_id"]) is { } previous)
        {
            return WireErrors.Error(404, "NotFoundError", $"Response with id '{previous}' not found.", "previous_response_id");
        }

        var turns = new List<(string Role, string Content)>();
        if (Str(body["instructions"]) is { Length: > 0 } instructions)
        {
            turns.Add(("system", instructions));
        }

        switch (body["input"])
        {
            case JsonValue v when v.TryGetValue<string>(out var text):
                turns.Add(("user", text));
                break;
            case JsonArray items:
                foreach (var item in items.OfType<JsonObject>())
                {
                    if (Str(item["type"]) is "function_call_output")
                    {
                        turns.Add(("tool", Str(item["output"]) ?? string.Empty));
                    }
                    else if (Str(item["type"]) is null or "message")
                    {
                        turns.Add((Str(item["role"]) ?? "user", ContentText(item["content"])));
                    }
                }

                break;
        }

        if (!turns.Any(t => t.Role != "system"))
        {
            return WireErrors.BadRequest("input must be a non-empty string or a list of input items");
        }

        var prompt = SimTokenizer.ChatTemplate(turns);
        var tokens = SimTokenizer.Encode(prompt);
        var limit = Math.Min(s.Options.Profile.MaxModelLen, s.Runner.Read(c => c.MaxSequenceTokens));
        var maxTokens = Int(body["max_output_tokens"]) ?? (limit - tokens.Count);
        if (maxTokens < 1 || tokens.Count + maxTokens > limit)
        {
            return WireErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"This model's maximum context length is {limit} tokens. However, you requested {tokens.Count + maxTokens} tokens ({tokens.Count} in the messages, {maxTokens} in the completion). Please reduce the length of the messages or completion."));
        }

        // Responses tools are flat ({type, name, parameters}); the chooser reads chat's {type, function: {...}}.
        var chatTools = body["tools"] is JsonArray tools
            ? new JsonArray(tools.OfType<JsonObject>().Where(t => Str(t["type"]) == "function")
                .Select(t => (JsonNode)new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = Str(t["name"]), ["parameters"] = t["parameters"]?.DeepClone() } })
                .ToArray())
            : null;
        var lastUser = turns.LastOrDefault(t => t.Role == "user").Content ?? string.Empty;
        var seed = SimulatedText.Seed(prompt);
        var tool = ToolCallBuilder.Choose(chatTools, body["tool_choice"] is JsonValue tc ? tc.DeepClone() : null, lastUser);
        var toolName = tool is null ? null : Str(tool["name"]) ?? "tool";
        var toolArgs = tool is null ? null : ToolCallBuilder.Arguments(tool).ToJsonString(Compact);
        var natural = toolArgs is not null ? Math.Max(1, SimTokenizer.Count(toolArgs)) : SimulatedText.NaturalLength(seed);
        var stream = body["stream"] is JsonValue sv && sv.TryGetValue<bool>(out var st) && st;

        var (seq, reader) = s.Runner.Submit(tokens, maxTokens, natural);
        using var abort = ctx.RequestAborted.Register(() => s.Runner.Abort(seq));
        var id = s.NextId("resp_");
        var itemId = (toolArgs is null ? "msg_" : "fc_") + id[5..];
        var created = s.Now;
        string Piece(int i) => toolArgs is null ? SimulatedText.Token(model, seed, i) : ArgPiece(toolArgs, i, natural);
        JsonObject Item(string status, string? full) => toolArgs is not null
            ? new JsonObject { ["arguments"] = full ?? string.Empty, ["call_id"] = "call_" + id[5..], ["name"] = toolName, ["type"] = "function_call", ["id"] = itemId, ["status"] = status }
            : new JsonObject { ["id"] = itemId, ["content"] = full is null ? new JsonArray() : new JsonArray(OutputText(full)), ["role"] = "assistant", ["status"] = status, ["type"] = "message" };
        JsonObject Response(string status, string? full, int generated) => new()
        {
            ["id"] = id,
            ["created_at"] = created,
            ["incomplete_details"] = status == "incomplete" ? new JsonObject { ["reason"] = "max_output_tokens" } : null,
            ["instructions"] = body["instructions"]?.DeepClone(),
            ["metadata"] = body["metadata"]?.DeepClone(),
            ["model"] = model,
            ["object"] = "response",
            ["output"] = full is null ? new JsonArray() : new JsonArray(Item("completed", full)),
            ["parallel_tool_calls"] = true,
            ["temperature"] = body["temperature"]?.DeepClone() ?? 1.0,
            ["tool_choice"] = body["tool_choice"]?.DeepClone() ?? "auto",
            ["tools"] = body["tools"]?.DeepClone() ?? new JsonArray(),
            ["top_p"] = body["top_p"]?.DeepClone() ?? 1.0,
            ["background"] = false,
            ["max_output_tokens"] = body["max_output_tokens"]?.DeepClone(),
            ["previous_response_id"] = null,
            ["status"] = status,
            ["store"] = body["store"]?.DeepClone() ?? true,
            ["text"] = null,
            ["truncation"] = "disabled",
            ["usage"] = full is null ? null : ResponsesUsage(tokens.Count, generated),
        };
        string FinalStatus() => seq.FinishReason == "length" ? "incomplete" : "completed";

        if (!stream)
        {
            if (!await FinishedAsync(reader, ctx.RequestAborted))
            {
                return Results.Empty;
            }

            return Results.Json(Response(FinalStatus(), Joined(Piece, seq.Generated), seq.Generated), SimulatorJsonContext.Relaxed.JsonNode);
        }

        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
        ctx.Response.Headers.CacheControl = "no-cache";
        var sequence = 0;
        async Task EmitAsync(string type, JsonObject fields)
        {
            fields["sequence_number"] = sequence++;
            fields["type"] = type;
            await ctx.Response.WriteAsync($"event: {type}\ndata: {fields.ToJsonString(Compact)}\n\n", ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        }

        try
        {
            await EmitAsync("response.created", new JsonObject { ["response"] = Response("in_progress", null, 0) });
            await EmitAsync("response.in_progress", new JsonObject { ["response"] = Response("in_progress", null, 0) });
            var sent = 0;
            while (await reader.WaitToReadAsync(ctx.RequestAborted))
            {
                while (reader.TryRead(out var upTo))
                {
                    for (; sent < upTo; sent++)
                    {
                        if (sent == 0)
                        {
                            await EmitAsync("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = Item("in_progress", null) });
                            if (toolArgs is null)
                            {
                                await EmitAsync("response.content_part.added", new JsonObject { ["content_index"] = 0, ["item_id"] = itemId, ["output_index"] = 0, ["part"] = OutputText(string.Empty) });
                            }
                        }

                        await EmitAsync(toolArgs is null ? "response.output_text.delta" : "response.function_call_arguments.delta", new JsonObject
                        {
                            ["content_index"] = 0, ["delta"] = Piece(sent), ["item_id"] = itemId, ["output_index"] = 0,
                        });
                    }
                }
            }

            var full = Joined(Piece, seq.Generated);
            if (toolArgs is null)
            {
                await EmitAsync("response.output_text.done", new JsonObject { ["content_index"] = 0, ["item_id"] = itemId, ["output_index"] = 0, ["text"] = full });
                await EmitAsync("response.content_part.done", new JsonObject { ["content_index"] = 0, ["item_id"] = itemId, ["output_index"] = 0, ["part"] = OutputText(full) });
            }
            else
            {
                await EmitAsync("response.function_call_arguments.done", new JsonObject { ["arguments"] = full, ["item_id"] = itemId, ["output_index"] = 0 });
            }

            await EmitAsync("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = Item("completed", full) });
            // vLLM ends every stream with response.completed; the response inside carries the final status (incomplete
            // when max_output_tokens stopped it), where OpenAI's own service would send response.incomplete.
            await EmitAsync("response.completed", new JsonObject { ["response"] = Response(FinalStatus(), full, seq.Generated) });
        }
        catch (OperationCanceledException)
        {
        }

        return Results.Empty;
    }

    private static JsonObject OutputText(string text) => new() { ["annotations"] = new JsonArray(), ["text"] = text, ["type"] = "output_text", ["logprobs"] = null };

    private static JsonObject ResponsesUsage(int input, int output) => new()
    {
        ["input_tokens"] = input,
        ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
        ["output_tokens"] = output,
        ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
        ["total_tokens"] = input + output,
    };
}

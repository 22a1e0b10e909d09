using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Daalu.Engine.Simulator.Engine;
using Daalu.Engine.Simulator.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Daalu.Engine.Simulator.Server;

/// <summary>
/// vLLM's OpenAI-compatible routes over a simulated engine: GET /v1/models, POST /v1/chat/completions and
/// /v1/completions (with and without streaming, stream_options.include_usage, tools), POST /v1/embeddings (embed task
/// only), POST /v1/responses (SimulatorApi.Responses.cs), GET /health, GET /metrics. Shapes follow /work/shared/VLLM.md (from vLLM's protocol.py and serving_*.py).
/// </summary>
public static partial class SimulatorApi
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Maps the routes for one engine.</summary>
    public static void MapSimulatorApi(this IEndpointRouteBuilder app, SimulatorOptions options, EngineRunner runner, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(app);
        var s = new State(options, runner, time);
        app.MapGet("/health", () => Results.Ok());
        app.MapGet("/metrics", (HttpContext ctx) => Results.Text(MetricsText(s), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapGet("/v1/models", (HttpContext ctx) => ListModels(ctx, s));
        app.MapPost("/v1/chat/completions", (Func<HttpContext, Task<IResult>>)(ctx => GenerateAsync(ctx, s, chat: true)));
        app.MapPost("/v1/completions", (Func<HttpContext, Task<IResult>>)(ctx => GenerateAsync(ctx, s, chat: false)));
        app.MapPost("/v1/embeddings", (Func<HttpContext, Task<IResult>>)(ctx => EmbedAsync(ctx, s)));
        app.MapPost("/v1/responses", (Func<HttpContext, Task<IResult>>)(ctx => ResponsesAsync(ctx, s)));
    }

    private sealed class State(SimulatorOptions options, EngineRunner runner, TimeProvider time)
    {
        private long _ids;

        public SimulatorOptions Options { get; } = options;
        public EngineRunner Runner { get; } = runner;
        public TimeProvider Time { get; } = time;
        public long Created { get; } = time.GetUtcNow().ToUnixTimeSeconds();

        public string NextId(string prefix) => prefix + Interlocked.Increment(ref _ids).ToString("x32", CultureInfo.InvariantCulture);

        public long Now => Time.GetUtcNow().ToUnixTimeSeconds();
    }

    private static IResult? Authorized(HttpContext ctx, State s)
    {
        if (s.Options.ApiKey is not { } key || ctx.Request.Headers.Authorization.ToString() == "Bearer " + key)
        {
            return null;
        }

        // vLLM's --api-key middleware answers 401 with {"error": "Unauthorized"}.
        return Results.Json(new JsonObject { ["error"] = "Unauthorized" }, SimulatorJsonContext.Default.JsonNode, statusCode: 401);
    }

    // A named method, not a lambda body: the minimal-API generator used by NativeAOT publishes infers a lambda's return
    // type before the JSON source generator has written SimulatorJsonContext's members, and emits broken code for it.
    private static IResult ListModels(HttpContext ctx, State s) => Authorized(ctx, s) ?? Results.Json(Models(s), SimulatorJsonContext.Default.JsonNode);

    private static JsonObject Models(State s) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(new JsonObject
        {
            ["id"] = s.Options.Name,
            ["object"] = "model",
            ["created"] = s.Created,
            ["owned_by"] = s.Options.OwnedBy,
            ["root"] = s.Options.Model,
            ["parent"] = null,
            ["max_model_len"] = s.Options.Profile.MaxModelLen,
            ["permission"] = new JsonArray(new JsonObject
            {
                ["id"] = "modelperm-" + s.Options.Name.GetHashCode(StringComparison.Ordinal).ToString("x8", CultureInfo.InvariantCulture),
                ["object"] = "model_permission",
                ["created"] = s.Created,
                ["allow_create_engine"] = false,
                ["allow_sampling"] = true,
                ["allow_logprobs"] = true,
                ["allow_search_indices"] = false,
                ["allow_view"] = true,
                ["allow_fine_tuning"] = false,
                ["organization"] = "*",
                ["group"] = null,
                ["is_blocking"] = false,
            }),
        }),
    };

    // What every generate or embed route checks first, in vLLM's order: the API key, a JSON object body, the served
    // model name, the model's task (a refusal is returned; the body and model otherwise).
    private static async Task<(JsonObject Body, string Model, IResult? Refused)> AdmitAsync(HttpContext ctx, State s, string task, string api)
    {
        if (Authorized(ctx, s) is { } denied)
        {
            return (null!, string.Empty, denied);
        }

        var body = await ReadBodyAsync(ctx);
        if (body is null)
        {
            return (null!, string.Empty, WireErrors.BadRequest("The request body is not a JSON object."));
        }

        var model = Str(body["model"]) ?? s.Options.Name;
        if (model != s.Options.Name)
        {
            return (body, model, WireErrors.ModelNotFound(model));
        }

        return s.Options.Task != task ? (body, model, WireErrors.Unsupported(api)) : (body, model, null);
    }

    // A non-streamed answer waits for the engine to finish the sequence; false when the client went away first.
    private static async Task<bool> FinishedAsync(ChannelReader<int> reader, CancellationToken ct)
    {
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                while (reader.TryRead(out _))
                {
                }
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // The whole generated text: the first n pieces.
    private static string Joined(Func<int, string> piece, int n)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < n; i++)
        {
            sb.Append(piece(i));
        }

        return sb.ToString();
    }

    private static async Task<JsonObject?> ReadBodyAsync(HttpContext ctx)
    {
        try
        {
            return await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<IResult> GenerateAsync(HttpContext ctx, State s, bool chat)
    {
        var (body, model, refused) = await AdmitAsync(ctx, s, SimulatorTasks.Generate, chat ? "Chat Completions" : "Completions");
        if (refused is not null)
        {
            return refused;
        }

        string prompt;
        var lastUser = string.Empty;
        if (chat)
        {
            if (body["messages"] is not JsonArray { Count: > 0 } messages)
            {
                return WireErrors.BadRequest("messages must be a non-empty list");
            }

            var turns = messages.OfType<JsonObject>().Select(m => (Role: Str(m["role"]) ?? "user", Content: ContentText(m["content"]))).ToList();
            lastUser = turns.LastOrDefault(t => t.Role == "user").Content ?? string.Empty;
            prompt = SimTokenizer.ChatTemplate(turns);
        }
        else
        {
            prompt = body["prompt"] switch
            {
                JsonValue v when v.TryGetValue<string>(out var p) => p,
                JsonArray a => string.Concat(a.OfType<JsonValue>().Select(x => x.TryGetValue<string>(out var t) ? t : string.Empty)),
                _ => string.Empty,
            };
            if (prompt.Length == 0)
            {
                return WireErrors.BadRequest("prompt must be a non-empty string");
            }
        }

        var tokens = SimTokenizer.Encode(prompt);
        var limit = Math.Min(s.Options.Profile.MaxModelLen, s.Runner.Read(c => c.MaxSequenceTokens));
        var maxTokens = Int(body["max_completion_tokens"]) ?? Int(body["max_tokens"]) ?? (limit - tokens.Count);
        if (maxTokens < 1 || tokens.Count + maxTokens > limit)
        {
            return WireErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"This model's maximum context length is {limit} tokens. However, you requested {tokens.Count + maxTokens} tokens ({tokens.Count} in the messages, {maxTokens} in the completion). Please reduce the length of the messages or completion."));
        }

        var seed = SimulatedText.Seed(prompt);
        var tool = chat ? ToolCallBuilder.Choose(body["tools"] as JsonArray, body["tool_choice"], lastUser) : null;
        var toolName = tool is null ? null : Str(tool["name"]) ?? "tool";
        var toolArgs = tool is null ? null : ToolCallBuilder.Arguments(tool).ToJsonString(Compact);
        // vLLM's ignore_eos sampling parameter: generate exactly max_tokens (benchmarks use it for fixed lengths).
        var ignoreEos = body["ignore_eos"] is JsonValue ev && ev.TryGetValue<bool>(out var ie) && ie;
        var natural = toolArgs is not null ? Math.Max(1, SimTokenizer.Count(toolArgs)) : ignoreEos ? maxTokens : SimulatedText.NaturalLength(seed);
        var stream = body["stream"] is JsonValue sv && sv.TryGetValue<bool>(out var st) && st;
        var includeUsage = body["stream_options"]?["include_usage"] is JsonValue uv && uv.TryGetValue<bool>(out var iu) && iu;

        var (seq, reader) = s.Runner.Submit(tokens, maxTokens, natural);
        using var abort = ctx.RequestAborted.Register(() => s.Runner.Abort(seq));
        var id = s.NextId(chat ? "chatcmpl-" : "cmpl-");
        var created = s.Now;
        string Piece(int i) => toolArgs is null ? SimulatedText.Token(model, seed, i) : ArgPiece(toolArgs, i, natural);

        if (!stream)
        {
            if (!await FinishedAsync(reader, ctx.RequestAborted))
            {
                return Results.Empty;
            }

            var n = seq.Generated;
            var text = Joined(Piece, n);

            var finish = toolArgs is not null && seq.FinishReason == "stop" ? "tool_calls" : seq.FinishReason;
            var usage = Usage(tokens.Count, n);
            JsonObject choice;
            if (chat)
            {
                var message = new JsonObject { ["role"] = "assistant", ["reasoning_content"] = null };
                if (toolArgs is not null)
                {
                    message["content"] = null;
                    message["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["id"] = "chatcmpl-tool-" + id[^16..],
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = toolName, ["arguments"] = text },
                    });
                }
                else
                {
                    message["content"] = text;
                    message["tool_calls"] = new JsonArray();
                }

                choice = new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = finish, ["stop_reason"] = null };
            }
            else
            {
                choice = new JsonObject { ["index"] = 0, ["text"] = text, ["logprobs"] = null, ["finish_reason"] = finish, ["stop_reason"] = null, ["prompt_logprobs"] = null };
            }

            return Results.Json(jsonTypeInfo: SimulatorJsonContext.Relaxed.JsonNode, data: new JsonObject
            {
                ["id"] = id,
                ["object"] = chat ? "chat.completion" : "text_completion",
                ["created"] = created,
                ["model"] = model,
                ["choices"] = new JsonArray(choice),
                ["usage"] = usage,
                ["prompt_logprobs"] = null,
            });
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
        ctx.Response.Headers.CacheControl = "no-cache";
        var obj = chat ? "chat.completion.chunk" : "text_completion";
        JsonObject Chunk(JsonObject choice) => new()
        {
            ["id"] = id, ["object"] = obj, ["created"] = created, ["model"] = model, ["choices"] = new JsonArray(choice),
        };
        try
        {
            if (chat)
            {
                await WriteEventAsync(ctx, Chunk(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }, ["logprobs"] = null, ["finish_reason"] = null }));
                if (toolArgs is not null)
                {
                    await WriteEventAsync(ctx, Chunk(new JsonObject
                    {
                        ["index"] = 0,
                        ["delta"] = new JsonObject
                        {
                            ["tool_calls"] = new JsonArray(new JsonObject
                            {
                                ["id"] = "chatcmpl-tool-" + id[^16..], ["type"] = "function", ["index"] = 0,
                                ["function"] = new JsonObject { ["name"] = toolName, ["arguments"] = string.Empty },
                            }),
                        },
                        ["logprobs"] = null,
                        ["finish_reason"] = null,
                    }));
                }
            }

            var sent = 0;
            while (await reader.WaitToReadAsync(ctx.RequestAborted))
            {
                while (reader.TryRead(out var upTo))
                {
                    var isLast = seq.Finished is not null && upTo == seq.Generated;
                    for (; sent < upTo; sent++)
                    {
                        var piece = Piece(sent);
                        string? finish = null;
                        if (isLast && sent == upTo - 1)
                        {
                            finish = toolArgs is not null && seq.FinishReason == "stop" ? "tool_calls" : seq.FinishReason;
                        }

                        JsonObject choice;
                        if (!chat)
                        {
                            choice = new JsonObject { ["index"] = 0, ["text"] = piece, ["logprobs"] = null, ["finish_reason"] = finish, ["stop_reason"] = null };
                        }
                        else if (toolArgs is not null)
                        {
                            choice = new JsonObject
                            {
                                ["index"] = 0,
                                ["delta"] = new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = piece } }) },
                                ["logprobs"] = null,
                                ["finish_reason"] = finish,
                            };
                        }
                        else
                        {
                            choice = new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["content"] = piece }, ["logprobs"] = null, ["finish_reason"] = finish };
                        }

                        await WriteEventAsync(ctx, Chunk(choice));
                    }
                }
            }

            if (includeUsage)
            {
                await WriteEventAsync(ctx, new JsonObject
                {
                    ["id"] = id, ["object"] = obj, ["created"] = created, ["model"] = model, ["choices"] = new JsonArray(), ["usage"] = Usage(tokens.Count, seq.Generated),
                });
            }

            await ctx.Response.WriteAsync("data: [DONE]\n\n", ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }

        return Results.Empty;
    }

    private static async Task<IResult> EmbedAsync(HttpContext ctx, State s)
    {
        var (body, model, refused) = await AdmitAsync(ctx, s, SimulatorTasks.Embed, "Embeddings");
        if (refused is not null)
        {
            return refused;
        }

        var inputs = body["input"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var one) => [one],
            JsonArray a => a.OfType<JsonValue>().Select(x => x.TryGetValue<string>(out var t) ? t : string.Empty).ToList(),
            _ => new List<string>(),
        };
        if (inputs.Count == 0 || inputs.Any(i => i.Length == 0))
        {
            return WireErrors.BadRequest("input must be a non-empty string or list of strings");
        }

        var base64 = Str(body["encoding_format"]) == "base64";
        var data = new JsonArray();
        var promptTokens = 0;
        var pending = new List<(SimSequence Seq, System.Threading.Channels.ChannelReader<int> Reader)>();
        foreach (var text in inputs)
        {
            var tokens = SimTokenizer.Encode(text);
            promptTokens += tokens.Count;
            pending.Add(s.Runner.Submit(tokens, 1, 1));
        }

        try
        {
            foreach (var (_, reader) in pending)
            {
                await foreach (var _ in reader.ReadAllAsync(ctx.RequestAborted))
                {
                }
            }
        }
        catch (OperationCanceledException)
        {
            pending.ForEach(p => s.Runner.Abort(p.Seq));
            return Results.Empty;
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = Embedding(inputs[i], s.Options.EmbeddingDimensions);
            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())))
                : new JsonArray(vector.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
            data.Add((JsonNode)new JsonObject { ["index"] = i, ["object"] = "embedding", ["embedding"] = embedding });
        }

        return Results.Json(jsonTypeInfo: SimulatorJsonContext.Relaxed.JsonNode, data: new JsonObject
        {
            ["id"] = s.NextId("embd-"),
            ["object"] = "list",
            ["created"] = s.Now,
            ["model"] = model,
            ["data"] = data,
            ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["total_tokens"] = promptTokens, ["completion_tokens"] = 0, ["prompt_tokens_details"] = null },
        });
    }

    /// <summary>A unit vector derived from the text (same text, same vector).</summary>
    internal static float[] Embedding(string text, int dims)
    {
        var v = new float[dims];
        var x = SimulatedText.Seed(text) | 1u;
        double norm = 0;
        for (var i = 0; i < dims; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            v[i] = (x / (float)uint.MaxValue) - 0.5f;
            norm += v[i] * v[i];
        }

        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < dims; i++)
        {
            v[i] *= scale;
        }

        return v;
    }

    private static string ArgPiece(string args, int i, int count)
    {
        // The argument string split into `count` pieces of 4 characters (the last takes the rest).
        var start = i * SimTokenizer.CharsPerToken;
        if (start >= args.Length)
        {
            return string.Empty;
        }

        return i == count - 1 ? args[start..] : args.Substring(start, Math.Min(SimTokenizer.CharsPerToken, args.Length - start));
    }

    private static JsonObject Usage(int prompt, int completion) => new()
    {
        ["prompt_tokens"] = prompt, ["total_tokens"] = prompt + completion, ["completion_tokens"] = completion, ["prompt_tokens_details"] = null,
    };

    private static async Task WriteEventAsync(HttpContext ctx, JsonObject chunk)
    {
        await ctx.Response.WriteAsync("data: " + chunk.ToJsonString(Compact) + "\n\n", ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }

    private static string ContentText(JsonNode? content) => content switch
    {
        JsonValue v when v.TryGetValue<string>(out var t) => t,
        JsonArray parts => string.Concat(parts.OfType<JsonObject>().Select(p => Str(p["text"]) ?? string.Empty)),
        _ => string.Empty,
    };

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int? Int(JsonNode? n) => n is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

    private static string MetricsText(State s)
    {
        var labels = $"engine=\"0\",model_name=\"{s.Options.Name}\"";
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.Runner.Read(core =>
        {
            void Line(string name, string type, string help, double value, string? extra = null)
            {
                sb.Append(c, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name}{{{labels}{extra}}} {value:0.0###}\n");
            }

            Line("vllm:num_requests_running", "gauge", "Number of requests in model execution batches.", core.Running);
            Line("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.", core.Waiting);
            Line("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.", core.KvCacheUsage);
            Line("vllm:num_preemptions_total", "counter", "Cumulative number of preemption from the engine.", core.Stats.Preemptions);
            Line("vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed.", core.Stats.PromptTokens);
            Line("vllm:generation_tokens_total", "counter", "Number of generation tokens processed.", core.Stats.GenerationTokens);
            Line("vllm:prefix_cache_queries_total", "counter", "Prefix cache queries, in terms of number of queried tokens.", core.Stats.PrefixCacheQueries);
            Line("vllm:prefix_cache_hits_total", "counter", "Prefix cache hits, in terms of number of cached tokens.", core.Stats.PrefixCacheHits);
            sb.Append("# HELP vllm:request_success_total Count of successfully processed requests.\n# TYPE vllm:request_success_total counter\n");
            foreach (var (reason, n) in core.Stats.Success)
            {
                sb.Append(c, $"vllm:request_success_total{{{labels},finished_reason=\"{reason}\"}} {n:0.0}\n");
            }

            core.Stats.TimeToFirstToken.Write(sb, labels);
            core.Stats.InterTokenLatency.Write(sb, labels);
            core.Stats.EndToEnd.Write(sb, labels);
            core.Stats.QueueTime.Write(sb, labels);
            core.Stats.RequestPromptTokens.Write(sb, labels);
            core.Stats.RequestGenerationTokens.Write(sb, labels);
            return 0;
        });
        return sb.ToString();
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Daalu.Contracts;
using Daalu.Router.Backends;
using Daalu.Router.Classification;
using Daalu.Router.Classification.CodeDetection;
using Daalu.Router.Configuration;
using Daalu.Router.Forwarding;
using Daalu.Router.Planning;
using Daalu.Router.Translation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Daalu.Router.Api;

/// <summary>The OpenAI-compatible endpoints and the router's own ones.</summary>
public static class RouterApi
{
    /// <summary>Maps every router endpoint.</summary>
    public static IEndpointRouteBuilder MapRouterApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Every service the endpoints use is a singleton, so they come from the root provider: reading
        // HttpContext.RequestServices would create (and dispose) a DI scope per request for nothing.
        var sp = app.ServiceProvider;
        app.MapPost("/v1/chat/completions", (HttpContext c) => HandleAsync(c, sp, RequestFeatures.Chat, "/v1/chat/completions", explain: false));
        app.MapPost("/v1/completions", (HttpContext c) => HandleAsync(c, sp, RequestFeatures.Completions, "/v1/completions", explain: false));
        app.MapPost("/v1/embeddings", (HttpContext c) => HandleAsync(c, sp, RequestFeatures.Embeddings, "/v1/embeddings", explain: false));
        app.MapPost("/v1/route/explain", (HttpContext c) => ExplainAsync(c, sp));
        app.MapPost("/v1/responses", (HttpContext c) => HandleAsync(c, sp, RequestFeatures.Chat, "/v1/chat/completions", explain: false, InboundApi.Responses));
        app.MapGet("/v1/responses/{id}", (HttpContext c) => NotStoredAsync(c, sp));
        app.MapPost("/v1/messages", (HttpContext c) => HandleAsync(c, sp, RequestFeatures.Chat, "/v1/chat/completions", explain: false, InboundApi.AnthropicMessages));
        app.MapPost("/v1/messages/count_tokens", (HttpContext c) => CountTokensAsync(c, sp));
        app.MapGet("/v1/models", (HttpContext c) => ListModelsAsync(c, sp));
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", (BackendMonitor m) => m.FirstRound.IsCompleted ? Results.Text("ready") : Results.Text("probing backends", statusCode: 503));
        return app;
    }

    private const string MissingKey = "Missing or invalid API key. Send Authorization: Bearer <key> (or x-api-key: <key>).";

    // The tenant key comes as a bearer token (OpenAI clients) or in x-api-key (Anthropic clients), on every endpoint.
    private static TenantRuntime? Authenticate(HttpContext ctx, RouterSnapshot snap)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        ReadOnlySpan<char> key;
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = auth.AsSpan(7).Trim();
        }
        else if (auth.Length == 0 && ctx.Request.Headers.TryGetValue("x-api-key", out var apiKey) && apiKey.Count == 1)
        {
            key = apiKey.ToString().AsSpan().Trim();
        }
        else
        {
            return null;
        }

        var id = snap.Authenticator.Authenticate(key);
        return id is not null && snap.Tenants.TryGetValue(id.Tenant, out var t) ? t : null;
    }

    private static async Task HandleAsync(HttpContext ctx, IServiceProvider sp, string endpoint, string path, bool explain, InboundApi api = InboundApi.OpenAI)
    {
        var start = Stopwatch.GetTimestamp();
        var snap = sp.GetRequiredService<IRouterConfigSource>().Current;
        var requestId = ctx.Request.Headers["X-Request-Id"].ToString();
        if (requestId.Length is 0 or > 128 || requestId.AsSpan().ContainsAnyExceptInRange((char)0x21, (char)0x7e))
        {
            requestId = Daalu.Gateway.Ids.UniqueIds.Next();
        }

        ctx.Response.Headers["X-Request-Id"] = requestId;
        var noRoute = Array.Empty<string>();
        // Errors before parsing take the shape of the API the client called (the dialect object needs the body).
        var shape = InboundStage.ErrorShape(api);
        var tenant = Authenticate(ctx, snap);
        if (tenant is null)
        {
            ResponseWriter.SetRouteHeaders(ctx, "none", "none", "none", noRoute);
            await ResponseWriter.WriteErrorAsync(ctx, shape, 401, "invalid_request_error", "invalid_api_key", MissingKey);
            return;
        }

        var body = await ReadBodyAsync(ctx, snap.Config.Limits.MaxRequestBodyBytes);
        var (parsed, error) = body.Error is { } bodyError
            ? (null, bodyError)
            : InboundStage.Read(body.Bytes, api, endpoint, snap.Config.Limits.MaxJsonDepth, sp.GetRequiredService<TimeProvider>());
        if (parsed is null)
        {
            ResponseWriter.SetRouteHeaders(ctx, "none", "none", "none", noRoute);
            await ResponseWriter.WriteErrorAsync(ctx, shape, error!.Status, error.Type, error.Code, error.Message, error.Param);
            return;
        }

        var req = parsed;
        var dialect = req.Dialect;
        var registry = sp.GetRequiredService<BackendRegistry>();
        (var cls, error) = RequestAdmission.Admit(snap, tenant, req, ctx.Request.Headers["X-Daalu-Request-Class"].ToString(), registry);
        if (cls is null)
        {
            ResponseWriter.SetRouteHeaders(ctx, "none", "none", req.Model, noRoute);
            await ResponseWriter.WriteErrorAsync(ctx, dialect, error!.Status, error.Type, error.Code, error.Message, error.Param);
            return;
        }

        // Content: code detection over every text (the class can only become coding) and staged difficulty.
        var codeMode = ContentClass.ParseMode(tenant.Policy.Config.CodeDetection);
        // Difficulty is rated only where its rating is used: the plan (model auto, the hard-prompt skip), the explain
        // answer, and the route span's daalu.difficulty when a listener records spans. Elsewhere the stages would run for
        // nothing on every request (docs/benchmarks.md, "Eighth session"). The judge refines only a rating that was made.
        var rateDifficulty = PlanStage.RatesDifficulty(tenant, req, explain, Observability.RouterTracing.Source.HasListeners());
        var text = req.Text;
        var classification = sp.GetRequiredService<RequestClassifier>().Classify(text, codeMode, rateDifficulty);
        if (Classification.Judging.DifficultyJudge.ShouldAsk(tenant.Policy.Config.Judge, classification.Difficulty))
        {
            classification = await sp.GetRequiredService<Classification.Judging.DifficultyJudge>().RefineAsync(classification, text, tenant, snap, ctx.RequestAborted);
        }
        var resolvedClass = cls;
        (cls, var overridden, var wouldOverride) = ContentClass.Decide(resolvedClass, classification.Code, codeMode);
        var metrics = sp.GetRequiredService<Observability.RouterMetrics>();
        if (classification.Code.IsCode)
        {
            metrics.CodeDetections.WithLabels(CodeSignals.Name(classification.Code.Signal)).Inc();
        }

        if (overridden || wouldOverride)
        {
            metrics.CodeDetectionOverrides.WithLabels(overridden ? "enforce" : "report").Inc();
        }

        var complexity = classification.Difficulty?.Rating ?? 1;
        if (classification.Difficulty is { } difficulty)
        {
            metrics.ClassifierDecisions.WithLabels(difficulty.DecidedBy).Inc();
        }

        var plan = PlanStage.Plan(snap, tenant, req, cls, complexity, registry.View, sp.GetRequiredService<Random>());
        if (explain)
        {
            var first = plan.Candidates.Count > 0 ? plan.Candidates[0] : null;
            ResponseWriter.SetRouteHeaders(ctx, first?.Tier ?? "none", first?.Name ?? "none", first?.UpstreamModel ?? req.Model, ["explain"]);
            await WriteExplainAsync(ctx, tenant, req, plan, snap, classification, codeMode, resolvedClass);
            return;
        }

        using var activity = Observability.RouterTracing.Source.StartActivity("route");
        activity?.SetTag("daalu.tenant", tenant.Name);
        activity?.SetTag("daalu.class", cls);
        activity?.SetTag("daalu.code_signal", CodeSignals.Name(classification.Code.Signal));
        if (classification.Difficulty is not null)
        {
            activity?.SetTag("daalu.difficulty", complexity);
        }

        activity?.SetTag("daalu.request_id", requestId);
        var quality = sp.GetRequiredService<Classification.Quality.QualityWatch>();
        var capture = endpoint == RequestFeatures.Embeddings ? null : quality.Begin(ctx, tenant, snap, text);
        if (capture is null)
        {
            await sp.GetRequiredService<CascadeExecutor>().ExecuteAsync(ctx, new Forwarding.RouteContext(snap, tenant, req, plan, requestId, path, start));
            return;
        }

        try
        {
            await sp.GetRequiredService<CascadeExecutor>().ExecuteAsync(ctx, new Forwarding.RouteContext(snap, tenant, req, plan, requestId, path, start));
        }
        finally
        {
            await quality.EndAsync(ctx, capture);
        }
    }

    // POST /v1/route/explain[?api=responses|messages]: the plan for a body in the client's API (chat by default), as the
    // endpoint of that API would make it; the answer says for every candidate which upstream API it would be sent in.
    private static Task ExplainAsync(HttpContext ctx, IServiceProvider sp)
    {
        var api = ctx.Request.Query["api"].ToString();
        return api switch
        {
            "" or "chat" => HandleAsync(ctx, sp, RequestFeatures.Chat, "/v1/chat/completions", explain: true),
            "responses" => HandleAsync(ctx, sp, RequestFeatures.Chat, "/v1/chat/completions", explain: true, InboundApi.Responses),
            "messages" => HandleAsync(ctx, sp, RequestFeatures.Chat, "/v1/chat/completions", explain: true, InboundApi.AnthropicMessages),
            _ => OpenAIError.WriteAsync(ctx, 400, "invalid_request_error", "invalid_value",
                $"api must be chat, responses or messages (the client API of the body to explain), not '{api}'."),
        };
    }

    private static async Task WriteExplainAsync(HttpContext ctx, TenantRuntime tenant, ParsedRequest req, CascadePlan plan, RouterSnapshot snap,
        RequestClassification classification, CodeDetectionMode codeMode, string resolvedClass)
    {
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.Body, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("object", "route.explanation");
        w.WriteString("tenant", tenant.Name);
        w.WriteString("policy", tenant.Policy.Name);
        w.WriteString("config_hash", snap.Hash);
        w.WriteString("model", req.Model);
        w.WriteString("request_class", plan.RequestClass);
        w.WriteNumber("complexity", plan.Complexity);
        ClassificationExplain.Write(w, classification, codeMode, resolvedClass, plan.RequestClass);
        w.WriteBoolean("has_tools", req.Features.HasTools);
        w.WriteBoolean("has_images", req.Features.HasImages);
        if (plan.MatchedRule is null)
        {
            w.WriteNull("matched_rule");
        }
        else
        {
            w.WriteString("matched_rule", plan.MatchedRule);
        }

        w.WriteStartArray("tiers");
        foreach (var t in plan.Tiers)
        {
            w.WriteStringValue(t);
        }

        w.WriteEndArray();
        w.WriteStartArray("candidates");
        foreach (var c in plan.Candidates)
        {
            w.WriteStartObject();
            w.WriteString("tier", c.Tier);
            w.WriteString("backend", c.Name);
            w.WriteString("model", c.UpstreamModel);
            // The upstream API this candidate would be called in, and whether the request and answer are translated on
            // the way (the client's API differs from it), or go as the client wrote them.
            var outbound = OutboundDialects.For(c, req);
            w.WriteString("upstream_api", outbound.Api);
            w.WriteBoolean("translated", !outbound.AnswersInClientApi && (req.Dialect is not null || outbound.Api != "openai"));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("skipped");
        foreach (var s in plan.Skipped)
        {
            w.WriteStartObject();
            w.WriteString("tier", s.Tier);
            w.WriteString("backend", s.Name);
            w.WriteString("reason", s.Reason);
            if (s.Detail is not null)
            {
                w.WriteString("detail", s.Detail);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    // GET /v1/responses/{id}: the router keeps no responses (each says "store": false), so none can be fetched.
    private static async Task NotStoredAsync(HttpContext ctx, IServiceProvider sp)
    {
        var snap = sp.GetRequiredService<IRouterConfigSource>().Current;
        if (Authenticate(ctx, snap) is null)
        {
            await OpenAIError.WriteAsync(ctx, 401, "invalid_request_error", "invalid_api_key", MissingKey);
            return;
        }

        await OpenAIError.WriteAsync(ctx, 404, "invalid_request_error", "response_not_stored", "This router does not store responses (every response it returns has store: false), so none can be retrieved.");
    }

    // POST /v1/messages/count_tokens: the router has no tokenizer for every backend's model, so the count is its own
    // estimate (text length / 4, the figure it reserves quota with), marked so by X-Daalu-Token-Count: estimate.
    private static async Task CountTokensAsync(HttpContext ctx, IServiceProvider sp)
    {
        var snap = sp.GetRequiredService<IRouterConfigSource>().Current;
        var shape = new AnthropicMessagesDialect("", "error");
        var tenant = Authenticate(ctx, snap);
        if (tenant is null)
        {
            await ResponseWriter.WriteErrorAsync(ctx, shape, 401, "invalid_request_error", "invalid_api_key", MissingKey);
            return;
        }

        var body = await ReadBodyAsync(ctx, snap.Config.Limits.MaxRequestBodyBytes);
        var (parsed, error) = body.Error is { } bodyError
            ? (null, bodyError)
            : InboundRequests.Parse(body.Bytes, InboundApi.AnthropicMessages, snap.Config.Limits.MaxJsonDepth, sp.GetRequiredService<TimeProvider>(), forCounting: true);
        if (parsed is null)
        {
            await ResponseWriter.WriteErrorAsync(ctx, shape, error!.Status, error.Type, error.Code, error.Message, error.Param);
            return;
        }

        var visibility = ModelCatalog.Check(snap, tenant, parsed.Model, sp.GetRequiredService<BackendRegistry>());
        if (visibility != ModelVisibility.Visible)
        {
            var status = visibility == ModelVisibility.OtherTenant ? 403 : 404;
            await ResponseWriter.WriteErrorAsync(ctx, shape, status, "invalid_request_error", "model_not_found", $"model: {parsed.Model} is not available to this API key");
            return;
        }

        ctx.Response.Headers["X-Daalu-Token-Count"] = "estimate";
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.Body);
        w.WriteStartObject();
        w.WriteNumber("input_tokens", parsed.PromptTokenEstimate);
        w.WriteEndObject();
    }

    private static async Task ListModelsAsync(HttpContext ctx, IServiceProvider sp)
    {
        var snap = sp.GetRequiredService<IRouterConfigSource>().Current;
        var tenant = Authenticate(ctx, snap);
        if (tenant is null)
        {
            await OpenAIError.WriteAsync(ctx, 401, "invalid_request_error", "invalid_api_key", MissingKey);
            return;
        }

        var models = ModelCatalog.ForTenant(snap, tenant, sp.GetRequiredService<BackendRegistry>());
        var created = sp.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.Body);
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        foreach (var (id, ownedBy) in models)
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "model");
            w.WriteNumber("created", created);
            w.WriteString("owned_by", ownedBy);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private readonly record struct BodyResult(byte[] Bytes, RequestError? Error);

    // A ValueTask: a small body is usually in Kestrel's buffer already, and then this completes without a Task.
    private static async ValueTask<BodyResult> ReadBodyAsync(HttpContext ctx, long limit)
    {
        if (ctx.Request.ContentLength > limit)
        {
            return new BodyResult([], new RequestError(413, "invalid_request_error", "request_too_large", $"Request body exceeds {limit} bytes."));
        }

        var reader = ctx.Request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ctx.RequestAborted);
                if (result.Buffer.Length > limit)
                {
                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    return new BodyResult([], new RequestError(413, "invalid_request_error", "request_too_large", $"Request body exceeds {limit} bytes."));
                }

                if (result.IsCompleted)
                {
                    var bytes = result.Buffer.ToArray();
                    reader.AdvanceTo(result.Buffer.End);
                    return new BodyResult(bytes, null);
                }

                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new BodyResult([], new RequestError(413, "invalid_request_error", "request_too_large", $"Request body exceeds {limit} bytes."));
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return new BodyResult([], RequestError.Invalid("request body could not be read", code: "invalid_body"));
        }
    }

    internal static string TierLabel(string tier) => tier switch
    {
        TierNames.OwnGpu or TierNames.Hosted or TierNames.External => tier,
        _ => "none",
    };
}

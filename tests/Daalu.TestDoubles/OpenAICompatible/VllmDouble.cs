using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Daalu.TestDoubles.OpenAICompatible;

/// <summary>
/// Stands for a vLLM OpenAI-compatible server (shared/VLLM.md): /v1/models with vLLM's fields, /health (200, empty),
/// /metrics in Prometheus text with the vllm: gauges (settable), counters and labels model_name/engine, chat /
/// completions / embeddings with SSE and usage only on request, and either error shape (nested or the older flat one).
/// </summary>
public sealed partial class VllmDouble(string name, params string[] models) : OpenAICompatibleDouble(name, models)
{
    /// <summary>vllm:kv_cache_usage_perc (0..1).</summary>
    public double KvCacheUsage { get; set; }

    /// <summary>vllm:num_requests_waiting.</summary>
    public double RequestsWaiting { get; set; }

    /// <summary>vllm:num_requests_running.</summary>
    public double RequestsRunning { get; set; }

    /// <summary>Seconds each finished request's first token took, reported in vllm:time_to_first_token_seconds (sum and count).</summary>
    public double TimeToFirstTokenSeconds { get; set; } = 0.05;

    /// <summary>Expose the deprecated vllm:gpu_cache_usage_perc instead of vllm:kv_cache_usage_perc (older vLLM).</summary>
    public bool LegacyCacheMetric { get; set; }

    /// <summary>Answer errors in the older flat {"object":"error",...} shape.</summary>
    public bool FlatErrors { get; set; }

    /// <summary>Starts a double on a free port.</summary>
    public static async Task<VllmDouble> StartNewAsync(string name, params string[] models)
    {
        var d = new VllmDouble(name, models);
        await d.StartAsync();
        return d;
    }

    /// <inheritdoc/>
    protected override string OwnedBy => "vllm";

    /// <inheritdoc/>
    protected override void Map(WebApplication app)
    {
        base.Map(app);
        app.MapGet("/health", () => Results.Ok());
        app.MapPost("/v1/responses", ServeResponsesAsync);
        app.MapGet("/metrics", (HttpContext c) =>
        {
            var model = Models.FirstOrDefault() ?? "none";
            var cacheName = LegacyCacheMetric ? "vllm:gpu_cache_usage_perc" : "vllm:kv_cache_usage_perc";
            var prompt = Calls.Sum(r => r.ReportedPromptTokens);
            var gen = Calls.Sum(r => r.ReportedCompletionTokens);
            var text = string.Create(CultureInfo.InvariantCulture, $"""
                # HELP vllm:num_requests_running Number of requests in model execution batches.
                # TYPE vllm:num_requests_running gauge
                vllm:num_requests_running{"{"}engine="0",model_name="{model}"{"}"} {RequestsRunning:0.0}
                # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{"{"}engine="0",model_name="{model}"{"}"} {RequestsWaiting:0.0}
                # HELP {cacheName} KV-cache usage. 1 means 100 percent usage.
                # TYPE {cacheName} gauge
                {cacheName}{"{"}engine="0",model_name="{model}"{"}"} {KvCacheUsage:0.0###}
                # HELP vllm:prompt_tokens_total Number of prefill tokens processed.
                # TYPE vllm:prompt_tokens_total counter
                vllm:prompt_tokens_total{"{"}engine="0",model_name="{model}"{"}"} {prompt:0.0}
                # HELP vllm:generation_tokens_total Number of generation tokens processed.
                # TYPE vllm:generation_tokens_total counter
                vllm:generation_tokens_total{"{"}engine="0",model_name="{model}"{"}"} {gen:0.0}
                # HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
                # TYPE vllm:time_to_first_token_seconds histogram
                vllm:time_to_first_token_seconds_sum{"{"}engine="0",model_name="{model}"{"}"} {Calls.Count * TimeToFirstTokenSeconds:0.0###}
                vllm:time_to_first_token_seconds_count{"{"}engine="0",model_name="{model}"{"}"} {Calls.Count:0.0}

                """);
            return Results.Text(text, "text/plain; version=0.0.4; charset=utf-8");
        });
    }

    /// <inheritdoc/>
    protected override Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!FlatErrors)
        {
            return base.WriteErrorAsync(context, status, type, message);
        }

        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new FlatError("error", message, type, status), DoublesJsonContext.Default.FlatError);
    }
}

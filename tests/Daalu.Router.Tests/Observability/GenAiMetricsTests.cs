using System.Collections.Concurrent;
using System.Diagnostics;
using Daalu.Router.Observability;
using Daalu.Router.Tests.Infrastructure;
using Daalu.TestDoubles.OpenAICompatible;
using Xunit;

namespace Daalu.Router.Tests.Observability;

/// <summary>
/// The router speaks OpenTelemetry's GenAI semantic conventions (v1.36.0 of open-telemetry/semantic-conventions
/// docs/gen-ai): gen_ai.client.token.usage, gen_ai.server.request.duration, gen_ai.server.time_to_first_token and the
/// gen_ai.* span attributes, without prompt text.
/// </summary>
public sealed class GenAiMetricsTests
{
    [Theory]
    [InlineData("/v1/chat/completions", "chat")]
    [InlineData("/v1/completions", "text_completion")]
    [InlineData("/v1/embeddings", "embeddings")]
    public void Operation_RouterPath_WellKnownOperationName(string path, string expected)
    {
        Assert.Equal(expected, GenAiConventions.Operation(path));
    }

    [Theory]
    [InlineData("External", "anthropic", "anthropic")]
    [InlineData("External", "openai", "openai")]
    [InlineData("OwnGpu", null, "vllm")]
    [InlineData("Hosted", null, "vllm")]
    public void SystemOf_TierAndProvider_GenAiSystem(string tier, string? apiStyle, string expected)
    {
        Assert.Equal(expected, GenAiConventions.SystemOf(tier, apiStyle));
    }

    [Fact]
    public void Record_MeterInstruments_OtelNamesUnitsAndTags()
    {
        using var genAi = new GenAiMetrics(Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry()));
        var seen = new ConcurrentQueue<(string Name, string? Unit, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (ReferenceEquals(i.Meter, genAi.Meter))
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Enqueue((i.Name, i.Unit, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Enqueue((i.Name, i.Unit, v, Tags(tags))));
        listener.Start();
        genAi.Record(new Daalu.Gateway.Abstractions.CallRecord
        {
            RequestId = "r1", Attempt = 1, Tenant = "t", Tier = "External", Backend = "anthropic", Model = "claude-x", RequestClass = "chat",
            TokensIn = 120, TokensOut = 30, TtftMs = 250, LatencyMs = 1500, CompletedAt = DateTimeOffset.UnixEpoch,
        }, "/v1/chat/completions", "auto", "anthropic");
        var tokens = seen.Where(m => m.Name == GenAiConventions.TokenUsage).ToList();
        Assert.Equal([("input", 120.0), ("output", 30.0)], tokens.Select(t => ((string)t.Tags[GenAiConventions.TokenType]!, t.Value)).Order());
        Assert.All(tokens, t => Assert.Equal("{token}", t.Unit));
        var duration = Assert.Single(seen, m => m.Name == GenAiConventions.ServerRequestDuration);
        Assert.Equal(("s", 1.5), (duration.Unit, duration.Value));
        Assert.Equal(("anthropic", "chat", "auto", "claude-x"), ((string)duration.Tags[GenAiConventions.System]!, (string)duration.Tags[GenAiConventions.OperationName]!,
            (string)duration.Tags[GenAiConventions.RequestModel]!, (string)duration.Tags[GenAiConventions.ResponseModel]!));
        Assert.Equal(0.25, Assert.Single(seen, m => m.Name == GenAiConventions.ServerTimeToFirstToken).Value);
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var t in tags)
        {
            d[t.Key] = t.Value;
        }

        return d;
    }

    [Fact]
    public async Task ServedCall_MetricsOnMetricsEndpointAndSpanAttributes_NoPromptText()
    {
        var own = await VllmDouble.StartNewAsync("own", "m-general");
        await using var _ = own;
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == RouterTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await RouterTestHost.StartAsync(TestConfigs.Standard(own.BaseUrl, "http://127.0.0.1:1", null));
        // The listener is process-wide and other tests' routers run in parallel: pick this request's spans by its id.
        var requestId = "genai-" + Guid.NewGuid().ToString("N");
        var request = RouterTestHost.Chat(TestConfigs.KeyA, extra: ",\"user\":\"CANARY-PROMPT-777\"");
        request.Headers.Add("X-Request-Id", requestId);
        var (response, _) = await host.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode);
        var record = Assert.Single(host.Meter.Records);

        var metrics = await host.Client.GetStringAsync("/metrics");
        Assert.Contains("gen_ai_client_token_usage", metrics, StringComparison.Ordinal);
        Assert.Contains("gen_ai_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("gen_ai_server_time_to_first_token_seconds", metrics, StringComparison.Ordinal);
        var tokenLines = metrics.Split('\n').Where(l => l.StartsWith("gen_ai_client_token_usage", StringComparison.Ordinal) && l.Contains("_sum", StringComparison.Ordinal)).ToList();
        Assert.Contains(tokenLines, l => l.Contains("gen_ai_token_type=\"input\"", StringComparison.Ordinal) && l.Contains("gen_ai_system=\"vllm\"", StringComparison.Ordinal)
            && l.Contains("gen_ai_operation_name=\"chat\"", StringComparison.Ordinal) && l.EndsWith(" " + record.TokensIn, StringComparison.Ordinal));
        Assert.Contains(tokenLines, l => l.Contains("gen_ai_token_type=\"output\"", StringComparison.Ordinal) && l.EndsWith(" " + record.TokensOut, StringComparison.Ordinal));
        Assert.DoesNotContain("CANARY", metrics, StringComparison.Ordinal);

        // The listener is process-wide and other tests run routers in parallel: take this request's spans only.
        var route = spans.Single(s => s.OperationName == "route" && Equals(s.GetTagItem("daalu.request_id"), record.RequestId));
        var attempt = spans.Single(s => s.OperationName == "attempt" && s.ParentSpanId == route.SpanId);
        foreach (var span in new[] { attempt, route })
        {
            Assert.Equal("chat", span.GetTagItem(GenAiConventions.OperationName));
            Assert.Equal("vllm", span.GetTagItem(GenAiConventions.System));
            Assert.Equal("m-general", span.GetTagItem(GenAiConventions.RequestModel));
            Assert.Equal(record.Model, span.GetTagItem(GenAiConventions.ResponseModel));
            Assert.Equal(record.TokensIn, span.GetTagItem(GenAiConventions.UsageInputTokens));
            Assert.Equal(record.TokensOut, span.GetTagItem(GenAiConventions.UsageOutputTokens));
            Assert.DoesNotContain(span.TagObjects, t => t.Value is string v && v.Contains("CANARY", StringComparison.Ordinal));
        }
    }
}

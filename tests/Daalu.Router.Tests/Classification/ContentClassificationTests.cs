using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daalu.Contracts;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Classification;

// The privacy promise end to end: code pasted into a request labelled chat never reaches the External tier while the
// policy enforces detection (the default); report only explains and counts.
public class ContentClassificationTests
{
    // A marker that must never show up in explain output, metrics or headers.
    private const string Secret = "SECRET_MARKER_42";

    private static string ChatWithCode(string extraTurns = "") =>
        "{\"model\":\"m-general\",\"messages\":[" + extraTurns +
        "{\"role\":\"user\",\"content\":\"why does this fail?\\n```python\\n" + Secret + " = open('x').read()\\n```\"}]}";

    private static async Task<CascadeFixture> OnlyExternalCanServeAsync(string? mode = null)
    {
        var f = await CascadeFixture.StartAsync(c =>
        {
            if (mode is not null)
            {
                foreach (var p in c.Policies)
                {
                    p.CodeDetection = mode;
                }
            }
        });
        await f.Own.StopAsync();
        f.Host.Quota.RefuseWith = "QuotaExceeded";
        return f;
    }

    [Fact]
    public async Task Chat_CodeInContentLabelledChat_NeverReachesExternal()
    {
        await using var f = await OnlyExternalCanServeAsync();
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Post("/v1/chat/completions", TestConfigs.KeyA, ChatWithCode(), requestClass: "chat"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
        Assert.Empty(f.OpenAI.Calls);
        var metrics = await f.Host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("daalu_router_code_detection_overrides_total{mode=\"enforce\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("daalu_router_code_detections_total{signal=\"fence\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_CodeInAnEarlierTurnOnly_StaysCodingOnTheFollowUp()
    {
        await using var f = await OnlyExternalCanServeAsync();
        const string Body = "{\"model\":\"m-general\",\"messages\":[" +
            "{\"role\":\"user\",\"content\":\"Traceback (most recent call last):\\n  File \\\"app.py\\\", line 3, in <module>\"}," +
            "{\"role\":\"assistant\",\"content\":\"The file is missing.\"}," +
            "{\"role\":\"user\",\"content\":\"ok thanks, and how are you today?\"}]}";
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Post("/v1/chat/completions", TestConfigs.KeyA, Body));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
        Assert.Empty(f.OpenAI.Calls);
    }

    [Fact]
    public async Task Completions_CodeInPrompt_NeverReachesExternal()
    {
        await using var f = await OnlyExternalCanServeAsync();
        const string Body = "{\"model\":\"m-general\",\"prompt\":\"def add(a, b):\\n    return a + b\\n# tests for add\"}";
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Post("/v1/completions", TestConfigs.KeyA, Body));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
        Assert.Empty(f.OpenAI.Calls);
    }

    [Fact]
    public async Task Chat_ReportMode_ExplainsAndCountsButExternalServes()
    {
        await using var f = await OnlyExternalCanServeAsync(CodeDetectionModes.Report);
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Post("/v1/chat/completions", TestConfigs.KeyA, ChatWithCode()));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Single(f.OpenAI.Calls);
        var metrics = await f.Host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("daalu_router_code_detection_overrides_total{mode=\"report\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_OffMode_DoesNotLook()
    {
        await using var f = await OnlyExternalCanServeAsync(CodeDetectionModes.Off);
        var (_, body) = await f.Host.SendAsync(RouterTestHost.Post("/v1/route/explain", TestConfigs.KeyA, ChatWithCode()));

        var code = JsonNode.Parse(body)!["classification"]!["code_detection"]!;
        Assert.False(code["code"]!.GetValue<bool>());
        Assert.Equal("off", code["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Explain_CodeInToolResult_SaysWhichSignalRoleAndStages()
    {
        await using var f = await CascadeFixture.StartAsync();
        const string Body = "{\"model\":\"m-general\",\"messages\":[" +
            "{\"role\":\"user\",\"content\":\"What is in the file?\"}," +
            "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"read\",\"arguments\":\"{}\"}}]}," +
            "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"$ cat main.go\\npackage main\"}," +
            "{\"role\":\"user\",\"content\":\"Summarise it in one line.\"}]}";
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Post("/v1/route/explain", TestConfigs.KeyA, Body, requestClass: "chat"));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var c = JsonNode.Parse(body)!["classification"]!;
        Assert.Equal("coding", c["request_class"]!.GetValue<string>());
        Assert.Equal("chat", c["class_before_content"]!.GetValue<string>());
        Assert.True(c["detected_from_content"]!.GetValue<bool>());
        Assert.Equal("shell", c["code_detection"]!["signal"]!.GetValue<string>());
        Assert.Equal("tool", c["code_detection"]!["role"]!.GetValue<string>());
        Assert.Equal(2, c["code_detection"]!["message"]!.GetValue<int>());
        var stages = c["difficulty"]!["stages"]!.AsArray();
        Assert.Equal("heuristic", stages[0]!["stage"]!.GetValue<string>());
        Assert.Contains(c["difficulty"]!["decided_by"]!.GetValue<string>(), new[] { "heuristic", "learned", "conversation" });
        Assert.True(stages.All(s => s!["elapsed_us"]!.GetValue<double>() >= 0));
        Assert.Equal("coding", JsonNode.Parse(body)!["request_class"]!.GetValue<string>());
        Assert.DoesNotContain("package main", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_HeaderCodingWithoutCode_StaysCoding()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (_, body) = await f.Host.SendAsync(RouterTestHost.Post("/v1/route/explain", TestConfigs.KeyA,
            "{\"model\":\"m-general\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of Peru?\"}]}", requestClass: "coding"));

        using var doc = JsonDocument.Parse(body);
        var c = doc.RootElement.GetProperty("classification");
        Assert.Equal("coding", c.GetProperty("request_class").GetString());
        Assert.False(c.GetProperty("detected_from_content").GetBoolean());
        Assert.False(c.GetProperty("code_detection").GetProperty("code").GetBoolean());
        Assert.Equal(1, doc.RootElement.GetProperty("complexity").GetInt32());
    }
}

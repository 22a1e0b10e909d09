using System.Net;
using System.Text.Json;
using Daalu.Contracts;
using Daalu.Router.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

public sealed class HealthTests
{
    private static async Task<string> ExplainAsync(CascadeFixture f, string key = TestConfigs.KeyA, string model = "m-general", string? cls = null)
    {
        var (_, body) = await f.Host.SendAsync(RouterTestHost.Post("/v1/route/explain", key, $"{{\"model\":\"{model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}", cls));
        return body;
    }

    [Fact]
    public async Task Chat_OwnGpuSaturated_SkippedUntilItRecovers()
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.KvCacheUsage = 0.95;
        await RouterTestHost.WaitUntilAsync(async () => (await ExplainAsync(f)).Contains("Saturated", StringComparison.Ordinal));
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        Assert.Equal(TierNames.Hosted, Header.Get(resp, "X-Daalu-Tier"));
        Assert.Empty(f.Own.Calls);

        f.Own.KvCacheUsage = 0.2;
        f.Own.RequestsWaiting = 20;
        await RouterTestHost.WaitUntilAsync(async () => (await ExplainAsync(f)).Contains("num_requests_waiting", StringComparison.Ordinal));

        f.Own.RequestsWaiting = 0;
        f.Own.LegacyCacheMetric = true;
        f.Own.KvCacheUsage = 0.1;
        await RouterTestHost.WaitUntilAsync(async () => !(await ExplainAsync(f)).Contains("Saturated", StringComparison.Ordinal));
        (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        Assert.Equal(TierNames.OwnGpu, Header.Get(resp, "X-Daalu-Tier"));
    }

    [Fact]
    public async Task Chat_ConsecutiveFailures_CircuitOpensThenHalfOpenProbeCloses()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var f = await CascadeFixture.StartAsync(time: time);
        f.Own.Faults.Status = 500;
        f.Own.Faults.StatusCount = 3;
        for (var i = 0; i < 3; i++)
        {
            var (r, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
            Assert.StartsWith("OwnGpu:own-a=ServerError", Header.Get(r, "X-Daalu-Route"), StringComparison.Ordinal);
        }

        var (open, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        Assert.Equal(TierNames.Hosted, Header.Get(open, "X-Daalu-Tier"));
        Assert.Equal(3, f.Own.Calls.Count);
        Assert.Contains("CircuitOpen", await ExplainAsync(f), StringComparison.Ordinal);

        time.Advance(TimeSpan.FromSeconds(11));
        var (probe, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        Assert.Equal(TierNames.OwnGpu, Header.Get(probe, "X-Daalu-Tier"));
        var (closed, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        Assert.Equal(TierNames.OwnGpu, Header.Get(closed, "X-Daalu-Tier"));
        Assert.Equal(5, f.Own.Calls.Count);
    }

    [Fact]
    public async Task Models_PerTenant_OnlyWhatTheTenantMayUse()
    {
        await using var f = await CascadeFixture.StartAsync(c =>
        {
            c.Backends.Add(new Daalu.Contracts.RouterConfig.BackendConfig { Name = "own-b", Tier = TierNames.OwnGpu, Tenant = "team-b", Url = "http://127.0.0.1:1", Models = ["b-private"] });
        });
        async Task<List<string>> ModelsAsync(string key)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
            req.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            var (resp, body) = await f.Host.SendAsync(req);
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
        }

        var a = await ModelsAsync(TestConfigs.KeyA);
        var b = await ModelsAsync(TestConfigs.KeyB);
        Assert.Contains("m-general", a);
        Assert.Contains("gpt-ext", a);
        Assert.DoesNotContain("b-private", a);
        Assert.Contains("b-private", b);
        Assert.DoesNotContain("m-general", b);

        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, model: "b-private"));
        Assert.Equal(HttpStatusCode.Forbidden, resp.StatusCode);
        Assert.Contains("model_not_allowed", body, StringComparison.Ordinal);
        using var anon = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.Host.SendAsync(anon)).Response.StatusCode);
    }

    [Fact]
    public async Task Explain_ShowsPlanAndSkipsWithoutCallingAnyModel()
    {
        await using var f = await CascadeFixture.StartAsync();
        var body = await ExplainAsync(f, model: "m-general", cls: "coding");

        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.Equal("coding", root.GetProperty("request_class").GetString());
        var cands = root.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("tier").GetString() + ":" + c.GetProperty("backend").GetString()).ToList();
        Assert.Equal(["OwnGpu:own-a", "Hosted:pool-1"], cands);
        Assert.Contains(root.GetProperty("skipped").EnumerateArray(), s => s.GetProperty("reason").GetString() == "CodingNeverExternal");
        Assert.Empty(f.Own.Calls);
        Assert.Empty(f.Hosted.Calls);
        Assert.Empty(f.OpenAI.Calls);
    }

    [Fact]
    public async Task Endpoints_HealthReadyMetrics_Answer()
    {
        await using var f = await CascadeFixture.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await f.Host.Client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        await RouterTestHost.WaitUntilAsync(async () => (await f.Host.Client.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode == HttpStatusCode.OK);
        await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        var metrics = await f.Host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("daalu_router_requests_total{tier=\"OwnGpu\",class=\"chat\",result=\"ok\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("daalu_router_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("daalu_router_backend_circuit_state{backend=\"own-a\"}", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("Hello there", metrics, StringComparison.Ordinal);
    }
}

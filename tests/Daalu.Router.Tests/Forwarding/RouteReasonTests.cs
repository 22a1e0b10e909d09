using System.Net;
using System.Text.Json.Nodes;
using Daalu.Contracts;
using Daalu.Router.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

/// <summary>What X-Daalu-Route, explain and errors say must be what happened (issue 17, item 5).</summary>
public sealed class RouteReasonTests
{
    [Fact]
    public async Task Chat_OwnGpuUnreachableWithNoKnownModels_SkippedAsUnreachable()
    {
        await using var f = await CascadeFixture.StartAsync(c =>
        {
            c.Backends[0].Models = [];
            c.Backends[0].Url = "http://127.0.0.1:9"; // discard port: nothing listens
        });
        await RouterTestHost.WaitUntilAsync(async () =>
            (await f.Host.SendAsync(RouterTestHost.Post("/v1/route/explain", TestConfigs.KeyA, """{"model":"auto","messages":[{"role":"user","content":"hi"}]}"""))).Body
                .Contains("\"Unreachable\"", StringComparison.Ordinal));

        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, model: "auto"));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("OwnGpu:own-a=Unreachable, Hosted:pool-1=ok", Header.Get(resp, "X-Daalu-Route"));
        Assert.DoesNotContain("ModelNotServed", Header.Get(resp, "X-Daalu-Route"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_OwnGpuCircuitOpen_ListedAsCircuitOpenInTheRoute()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var f = await CascadeFixture.StartAsync(time: time);
        f.Own.Faults.Status = 500;
        f.Own.Faults.StatusCount = 3;
        for (var i = 0; i < 3; i++)
        {
            await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        }

        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        Assert.Equal(TierNames.Hosted, Header.Get(resp, "X-Daalu-Tier"));
        Assert.Equal("OwnGpu:own-a=CircuitOpen, Hosted:pool-1=ok", Header.Get(resp, "X-Daalu-Route"));
    }

    [Fact]
    public async Task Chat_HostedQuotaRefused_ReasonNotDoubled()
    {
        await using var f = await CascadeFixture.StartAsync();
        await f.Own.StopAsync();
        f.Host.Quota.RefuseWith = "QuotaExceeded";
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        var route = Header.Get(resp, "X-Daalu-Route");
        Assert.Contains("Hosted:pool-1=QuotaExceeded,", route, StringComparison.Ordinal);
        Assert.DoesNotContain("QuotaExceeded(QuotaExceeded)", route, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_NoEmbeddingModelDeclared_404SaysSo()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (resp, body) = await f.Host.SendAsync(RouterTestHost.Post("/v1/embeddings", TestConfigs.KeyA, """{"model":"auto","input":"hello"}"""));
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.StartsWith("No embedding model is configured", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal("no_embedding_model", (string?)error["code"]);
        Assert.Empty(f.Own.Calls);
        Assert.Empty(f.Hosted.Calls);
    }

    [Fact]
    public async Task Embeddings_AutoWithAnEmbeddingModelOnHosted_GoesThereNotToTheChatModel()
    {
        await using var f = await CascadeFixture.StartAsync(c => c.Backends[1].EmbeddingModels = ["m-general"]);
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Post("/v1/embeddings", TestConfigs.KeyA, """{"model":"auto","input":"hello"}"""));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(TierNames.Hosted, Header.Get(resp, "X-Daalu-Tier"));
        Assert.Empty(f.Own.Calls);

        // And the embedding model is never chosen for chat by an alias on that backend.
        var (_, explain) = await f.Host.SendAsync(RouterTestHost.Post("/v1/route/explain", TestConfigs.KeyA, """{"model":"auto","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Contains("EmbeddingMismatch", explain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_UpstreamErrorInNonOpenAIShape_ReachesTheClientWithItsMessage()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = "m-general", @object = "model" } } }));
        // FastAPI's answer to a route the server does not have, and a plain-text 400 (llama.cpp-style).
        app.MapPost("/v1/embeddings", () => Results.Json(new { detail = "Not Found" }, statusCode: 422));
        app.MapPost("/v1/chat/completions", () => Results.Text("context window exceeded: 9000 > 8192", statusCode: 400));
        await app.StartAsync();
        var url = app.Urls.First();
        await using (var embed = await CascadeFixture.StartAsync(c =>
        {
            c.Backends[0].Url = url;
            c.Backends[0].EmbeddingModels = ["m-general"];
        }))
        {
            var (e, eb) = await embed.Host.SendAsync(RouterTestHost.Post("/v1/embeddings", TestConfigs.KeyA, """{"model":"m-general","input":"x"}"""));
            Assert.Equal(422, (int)e.StatusCode);
            Assert.Equal("upstream 422: Not Found", (string?)JsonNode.Parse(eb)!["error"]!["message"]);
        }

        await using var f = await CascadeFixture.StartAsync(c => c.Backends[0].Url = url);
        var (c, cb) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        Assert.Equal(HttpStatusCode.BadRequest, c.StatusCode);
        Assert.Equal("upstream 400: context window exceeded: 9000 > 8192", (string?)JsonNode.Parse(cb)!["error"]!["message"]);
    }
}

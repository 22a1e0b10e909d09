using System.Collections.Concurrent;
using System.Net;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Hosting;
using Daalu.Router.Tests.Infrastructure;
using Daalu.TestDoubles.OpenAICompatible;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

public sealed class EndpointTests
{
    [Fact]
    public async Task Embeddings_AndCompletions_ForwardedWithRouteHeaders()
    {
        // The hosted pool's model is declared as an embedding model: embeddings go there, completions to the own GPU.
        await using var f = await CascadeFixture.StartAsync(c => c.Backends[1].EmbeddingModels = ["m-general"]);
        var (e, eb) = await f.Host.SendAsync(RouterTestHost.Post("/v1/embeddings", TestConfigs.KeyA, "{\"model\":\"m-general\",\"input\":[\"a\",\"b\"]}"));
        Assert.Equal(HttpStatusCode.OK, e.StatusCode);
        Assert.Contains("\"embedding\"", eb, StringComparison.Ordinal);
        Assert.Equal("Hosted:pool-1=ok", Header.Get(e, "X-Daalu-Route"));

        var (c, cb) = await f.Host.SendAsync(RouterTestHost.Post("/v1/completions", TestConfigs.KeyA, "{\"model\":\"m-general\",\"prompt\":\"Once\",\"stream\":true}"));
        Assert.Equal(HttpStatusCode.OK, c.StatusCode);
        Assert.Contains("\"text\":\"tok0 \"", cb, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", cb, StringComparison.Ordinal);
        Assert.Equal(["/v1/completions"], f.Own.Calls.Select(x => x.Path));
        Assert.Equal(["/v1/embeddings"], f.Hosted.Calls.Select(x => x.Path));
        Assert.Equal(2, f.Host.Meter.Records.Count);
        Assert.Equal(2, f.Host.Meter.Records.Select(r => r.RequestId).Distinct().Count());
    }

    // Without OTLP tracing nothing listens to the request's Activity, so the router makes none: the upstream request
    // carries no traceparent, and the host's per-request diagnostics logger (which would force one) is off.
    [Fact]
    public async Task Chat_TracingOff_NoRequestActivityAndNoTraceparentUpstream()
    {
        await using var f = await CascadeFixture.StartAsync();
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);

        var upstream = Assert.Single(f.Own.Calls);
        Assert.False(upstream.Headers.ContainsKey("traceparent"), "the upstream request carries a traceparent");
        Assert.NotEmpty(upstream.RequestId);
        var logger = f.Host.Router.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        Assert.False(logger.IsEnabled(LogLevel.Critical));
    }

    // The router forwards the client's bytes when an attempt changes nothing, and rewrites the model when the
    // upstream serves it under another name.
    [Fact]
    public async Task Chat_NothingToRewrite_UpstreamGetsTheClientsBytesAndARenamedModelIsRewritten()
    {
        await using var f = await CascadeFixture.StartAsync();
        const string body = "{ \"model\" : \"m-general\",\n \"messages\": [{\"role\":\"user\", \"content\":\"caf\\u00e9 \u2713\"}], \"x_vendor\": {\"a\": [1, 2.50]} }";
        var (own, _) = await f.Host.SendAsync(RouterTestHost.Post("/v1/chat/completions", TestConfigs.KeyA, body));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(body, Assert.Single(f.Own.Calls).Body);

        await f.Own.StopAsync();
        await f.Hosted.StopAsync();
        var (ext, _) = await f.Host.SendAsync(RouterTestHost.Post("/v1/chat/completions", TestConfigs.KeyA, body));
        Assert.Equal(HttpStatusCode.OK, ext.StatusCode);
        var forwarded = System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(f.OpenAI.Calls).Body)!;
        Assert.Equal("gpt-ext", forwarded["model"]!.GetValue<string>());
        Assert.Equal("caf\u00e9 \u2713", forwarded["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal(2.5, forwarded["x_vendor"]!["a"]![1]!.GetValue<double>());
    }

    // A stream whose client did not ask for usage gets the usage option spliced into its own bytes; one that set
    // stream_options itself has it rewritten in the parsed tree. The extra usage chunk never reaches the client.
    [Fact]
    public async Task ChatStream_NoUsageAsked_UsageOptionAddedToTheClientsBytes()
    {
        await using var f = await CascadeFixture.StartAsync();
        const string body = "{ \"model\" : \"m-general\", \"stream\": true,\n \"messages\": [{\"role\":\"user\", \"content\":\"caf\\u00e9 }\"}] }\n";
        var (plain, plainBody) = await f.Host.SendAsync(RouterTestHost.Post("/v1/chat/completions", TestConfigs.KeyA, body));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(
            "{ \"model\" : \"m-general\", \"stream\": true,\n \"messages\": [{\"role\":\"user\", \"content\":\"caf\\u00e9 }\"}] ,\"stream_options\":{\"include_usage\":true}}\n",
            Assert.Single(f.Own.Calls).Body);
        Assert.DoesNotContain("\"usage\"", plainBody, StringComparison.Ordinal);
        Assert.False(Assert.Single(f.Host.Meter.Records).Estimated);

        const string own = "{\"model\":\"m-general\",\"stream\":true,\"stream_options\":{\"include_usage\":false},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        var (set, _) = await f.Host.SendAsync(RouterTestHost.Post("/v1/chat/completions", TestConfigs.KeyA, own));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var forwarded = System.Text.Json.Nodes.JsonNode.Parse(f.Own.Calls[^1].Body)!;
        Assert.True(forwarded["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal(2, f.Host.Meter.Records.Count(r => !r.Estimated));
    }

    [Fact]
    public async Task Hosted_OnAnotherTenantsSharedCard_ContributorCredited()
    {
        var shared = await VllmDouble.StartNewAsync("shared-b", "m-general");
        await using var _ = shared;
        await using var f = await CascadeFixture.StartAsync(c =>
        {
            c.Backends.RemoveAll(b => b.Name == "pool-1");
            c.Backends.Add(new BackendConfig { Name = "card-b", Tier = TierNames.OwnGpu, Tenant = "team-b", Shared = true, RevenueSharePercent = 70, Url = shared.BaseUrl, Models = ["m-general"] });
        });
        await f.Own.StopAsync();
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));

        Assert.Equal(TierNames.Hosted, Header.Get(resp, "X-Daalu-Tier"));
        Assert.Equal("card-b", Header.Get(resp, "X-Daalu-Backend"));
        var record = Assert.Single(f.Host.Meter.Records);
        Assert.Equal(("team-b", 70), (record.ContributorTenant, record.RevenueSharePercent));
    }

    [Fact]
    public async Task Logs_WithCanaryKeysAndUpstreamErrors_NeverContainSecretsOrPrompts()
    {
        var own = await VllmDouble.StartNewAsync("own", "m-general");
        await using var _ = own;
        var config = TestConfigs.Standard(own.BaseUrl, "http://127.0.0.1:1", "http://127.0.0.1:2/v1");
        var dir = Directory.CreateTempSubdirectory("daalu-canary-").FullName;
        var path = Path.Combine(dir, "r.json");
        await File.WriteAllTextAsync(path, System.Text.Json.JsonSerializer.Serialize(config, RouterConfigJsonContext.Default.RouterConfiguration));
        var logs = new ConcurrentQueue<string>();
        await using (var router = await RouterHost.StartAsync(new RouterHostOptions
        {
            ConfigPath = path,
            Urls = "http://127.0.0.1:0",
            UseGateway = false,
            Authenticator = keys => new FakeAuthenticator(keys),
            ConfigureServices = s =>
            {
                s.AddSingleton<Daalu.Gateway.Abstractions.IQuotaGate>(new FakeQuotaGate());
                s.AddSingleton<Daalu.Gateway.Abstractions.IMeteringSink>(new FakeMeteringSink());
                s.AddLogging(l => l.AddProvider(new ListLoggerProvider(logs)).SetMinimumLevel(LogLevel.Trace));
            },
        }))
        {
            using var client = new HttpClient { BaseAddress = new Uri(router.BaseUrl) };
            own.Faults.Status = 500;
            own.Faults.StatusCount = -1;
            await client.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, extra: ",\"user\":\"CANARY-PROMPT-777\""));
            await client.SendAsync(RouterTestHost.Chat("CANARY-BAD-KEY-999"));
            await File.WriteAllTextAsync(path, "{ \"tenants\": [ { \"name\": \"x\", \"keys\": [ { \"value\": \"CANARY-NEW-KEY-555\" } ] } ], \"policies\": [ { \"name\": \"p\", \"tiers\": [\"Moon\"] } ] }");
            await Task.Delay(700);
        }

        Directory.Delete(dir, true);
        var all = string.Join("\n", logs);
        Assert.Contains("rejected", all, StringComparison.Ordinal);
        Assert.Contains("failed: ServerError", all, StringComparison.Ordinal);
        foreach (var secret in new[] { TestConfigs.KeyA, TestConfigs.KeyB, TestConfigs.OpenAIKey, TestConfigs.BackendKey, "CANARY-BAD-KEY-999", "CANARY-NEW-KEY-555", "CANARY-PROMPT-777", "Hello there" })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(sink);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => sink.Enqueue(formatter(state, exception) + " " + exception);
    }
}

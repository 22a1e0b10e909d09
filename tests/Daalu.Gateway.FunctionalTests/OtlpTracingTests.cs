using Daalu.TestDoubles.Redis;
using System.Collections.Concurrent;
using System.Text;
using Daalu.Gateway.FunctionalTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Daalu.Gateway.FunctionalTests;

/// <summary>
/// A router process with OTEL_EXPORTER_OTLP_ENDPOINT set exports its spans over OTLP/HTTP (protobuf) to a collector,
/// here a bare Kestrel endpoint that stands for an OpenTelemetry Collector's OTLP/HTTP receiver (POST /v1/traces) and
/// keeps the raw payloads. The payloads must carry the router's spans and never the prompt text or the tenant key.
/// </summary>
public sealed class OtlpTracingTests
{
    [SkippableFact]
    public async Task Router_OtlpEndpointSet_ExportsRouteAndAttemptSpansWithoutPromptOrKey()
    {
        Skip.If(RedisServer.Executable is null, RedisServer.MissingReason);
        var payloads = new ConcurrentQueue<(string Path, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.Run(async ctx =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            payloads.Enqueue((ctx.Request.Path, ms.ToArray()));
            ctx.Response.ContentType = "application/x-protobuf";
        });
        await collector.StartAsync();
        var endpoint = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        await using var c = await RouterCluster.StartAsync(new ClusterOptions
        {
            Environment = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            },
        });
        var call = await c.SendAsync(0);
        Assert.True(call.Success, call.Body);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        string all;
        do
        {
            await Task.Delay(200);
            all = string.Join('\n', payloads.Select(p => Encoding.UTF8.GetString(p.Body)));
        }
        while (!(all.Contains("Daalu.Router", StringComparison.Ordinal) && all.Contains("attempt", StringComparison.Ordinal)) && DateTime.UtcNow < deadline);

        Assert.All(payloads, p => Assert.Equal("/v1/traces", p.Path));
        Assert.Contains("Daalu.Router", all, StringComparison.Ordinal);
        Assert.Contains("route", all, StringComparison.Ordinal);
        Assert.Contains("attempt", all, StringComparison.Ordinal);
        Assert.Contains("pool-1", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Hello there", all, StringComparison.Ordinal);
        Assert.DoesNotContain(RouterCluster.Key, all, StringComparison.Ordinal);
    }
}

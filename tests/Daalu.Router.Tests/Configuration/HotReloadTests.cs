using System.Net;
using Daalu.Contracts.RouterConfig;
using Daalu.Router.Configuration;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Daalu.Router.Tests.Configuration;

public sealed class HotReloadTests
{
    [Fact]
    public async Task Reload_UnderStreamingLoad_NoInFlightRequestFailsAndNewConfigApplies()
    {
        await using var f = await CascadeFixture.StartAsync();
        f.Own.Faults.ChunkDelay = TimeSpan.FromMilliseconds(40);
        var source = f.Host.Router.Services.GetRequiredService<IRouterConfigSource>();
        var before = source.Current.Hash;

        var load = Enumerable.Range(0, 24).Select(async i =>
        {
            await Task.Delay(i * 15);
            var (resp, body) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA, stream: i % 2 == 0));
            return (resp.StatusCode, body);
        }).ToArray();

        await Task.Delay(100);
        var next = TestConfigs.Standard(f.Own.BaseUrl, f.Hosted.BaseUrl, f.OpenAI.ProviderBaseUrl);
        next.Tenants.Add(new TenantConfig { Name = "team-c", Keys = [new SecretSource { Value = "key-team-c-0003" }] });
        await f.Host.WriteConfigAsync(next);

        var results = await Task.WhenAll(load);
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(results.Where(r => r.body.StartsWith("data:", StringComparison.Ordinal)), r => Assert.EndsWith("data: [DONE]\n\n", r.body, StringComparison.Ordinal));
        await RouterTestHost.WaitUntilAsync(() => Task.FromResult(source.Current.Hash != before));
        var (c, _) = await f.Host.SendAsync(RouterTestHost.Chat("key-team-c-0003", model: "gpt-ext"));
        Assert.Equal(HttpStatusCode.OK, c.StatusCode);
        Assert.Equal(25, f.Host.Meter.Records.Count); // 24 under load + the new tenant's call
        Assert.Equal(25, f.Host.Meter.Records.Select(r => (r.RequestId, r.Attempt)).Distinct().Count());
        Assert.Equal(0, f.Host.Quota.Outstanding);
    }

    [Fact]
    public async Task Reload_InvalidFile_LastGoodConfigStays()
    {
        await using var f = await CascadeFixture.StartAsync();
        var source = f.Host.Router.Services.GetRequiredService<IRouterConfigSource>();
        var before = source.Current.Hash;
        var bad = TestConfigs.Standard(f.Own.BaseUrl, f.Hosted.BaseUrl, f.OpenAI.ProviderBaseUrl);
        bad.Policies[0].Rules.Add(new Daalu.Contracts.RouterConfig.RoutingRule { Action = "allow", RequestClasses = ["coding"], Tiers = ["External"] });
        await f.Host.WriteConfigAsync(bad);
        await Task.Delay(600);

        Assert.Equal(before, source.Current.Hash);
        var (resp, _) = await f.Host.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        await File.WriteAllTextAsync(f.Host.ConfigPath, "{ broken");
        await Task.Delay(600);
        Assert.Equal(before, source.Current.Hash);
        var metrics = await f.Host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("daalu_router_config_reloads_total{result=\"rejected\"}", metrics, StringComparison.Ordinal);
    }
}

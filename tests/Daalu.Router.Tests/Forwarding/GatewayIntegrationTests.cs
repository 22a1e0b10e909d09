using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Gateway;
using Daalu.Router.Hosting;
using Daalu.Router.Tests.Infrastructure;
using Daalu.TestDoubles.OpenAICompatible;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

/// <summary>The router with the real gateway (hashed keys, in-memory quota gate, SQLite ledger), as Program.cs wires it.</summary>
public sealed class GatewayIntegrationTests
{
    [Fact]
    public async Task Router_WithRealGateway_AuthenticatesMetersAndServesUsage()
    {
        var own = await VllmDouble.StartNewAsync("own", "m-general");
        var hosted = await VllmDouble.StartNewAsync("hosted", "m-general");
        await using var _ = own;
        await using var __ = hosted;
        var dir = Directory.CreateTempSubdirectory("daalu-gw-").FullName;
        var config = TestConfigs.Standard(own.BaseUrl, hosted.BaseUrl, null);
        var path = Path.Combine(dir, "router.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config, RouterConfigJsonContext.Default.RouterConfiguration));
        await own.StopAsync();
        await using (var router = await RouterHost.StartAsync(new RouterHostOptions
        {
            ConfigPath = path,
            Urls = "http://127.0.0.1:0",
            Gateway = new GatewayOptions { LedgerPath = Path.Combine(dir, "ledger.db"), FlushInterval = TimeSpan.FromMilliseconds(50) },
        }))
        {
            using var client = new HttpClient { BaseAddress = new Uri(router.BaseUrl) };
            using var resp = await client.SendAsync(RouterTestHost.Chat(TestConfigs.KeyA));
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
            Assert.Equal(TierNames.Hosted, Header.Get(resp, "X-Daalu-Tier"));
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(RouterTestHost.Chat("not-a-key-at-all"))).StatusCode);

            using var usage = new HttpRequestMessage(HttpMethod.Get, "/v1/usage");
            usage.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestConfigs.KeyA);
            var u = await client.SendAsync(usage);
            Assert.Equal(HttpStatusCode.OK, u.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/v1/usage", UriKind.Relative))).StatusCode);
        }

        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData(null, "Owner")] // a hand-written file: derived from team-a's own-GPU backend
    [InlineData("Consumer", "Consumer")] // the operator's: team-a's card is not Ready although the file still lists its backend
    [InlineData("Provider", "Provider")]
    public async Task Usage_TenantRoleInConfig_RoleAsCompiledElseDerivedFromBackends(string? compiled, string expected)
    {
        var dir = Directory.CreateTempSubdirectory("daalu-role-").FullName;
        var config = TestConfigs.Standard("http://127.0.0.1:1", "http://127.0.0.1:1", null);
        config.Tenants.Single(t => t.Name == "team-a").Role = compiled;
        var path = Path.Combine(dir, "router.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config, RouterConfigJsonContext.Default.RouterConfiguration));
        await using (var router = await RouterHost.StartAsync(new RouterHostOptions
        {
            ConfigPath = path,
            Urls = "http://127.0.0.1:0",
            Gateway = new GatewayOptions { LedgerPath = Path.Combine(dir, "ledger.db") },
        }))
        {
            using var client = new HttpClient { BaseAddress = new Uri(router.BaseUrl) };
            using var usage = new HttpRequestMessage(HttpMethod.Get, "/v1/usage");
            usage.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestConfigs.KeyA);
            using var u = await client.SendAsync(usage);
            Assert.Equal(HttpStatusCode.OK, u.StatusCode);
            using var doc = JsonDocument.Parse(await u.Content.ReadAsStringAsync());
            Assert.Equal(expected, doc.RootElement.GetProperty("role").GetString());
        }

        Directory.Delete(dir, true);
    }

    [Fact]
    public void Validate_UnknownRole_Refused()
    {
        var config = TestConfigs.Standard("http://127.0.0.1:1", "http://127.0.0.1:1", null);
        config.Tenants.Single(t => t.Name == "team-a").Role = "Landlord";

        Assert.Contains("tenant 'team-a' has role 'Landlord'; expected one of None, Consumer, Owner, Provider", RouterConfigValidator.Validate(config));
    }
}

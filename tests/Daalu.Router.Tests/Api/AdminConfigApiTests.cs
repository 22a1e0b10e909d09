using System.Net;
using System.Text.Json;
using Daalu.Contracts.RouterConfig;
using Daalu.Contracts.Status;
using Daalu.Router.Configuration;
using Daalu.Router.Tests.Forwarding;
using Daalu.Router.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Daalu.Router.Tests.Api;

/// <summary>GET /admin/config: the loaded file's hash and a verdict per part, for admin keys only.</summary>
public sealed class AdminConfigApiTests
{
    private const string AdminKey = "key-admin-000001";

    private static void AddAdminAndKeylessProvider(RouterConfiguration c)
    {
        c.Tenants.Add(new TenantConfig { Name = "ops", Admin = true, Keys = [new SecretSource { Value = AdminKey }] });
        c.Providers.Add(new ProviderConfig
        {
            Name = "anthropic",
            ApiStyle = Daalu.Contracts.ApiStyles.Anthropic,
            BaseUrl = "http://127.0.0.1:9",
            ApiKey = new SecretSource { Env = "DAALU_TEST_UNSET_ANTHROPIC_KEY" },
            Models = [new ProviderModel { Name = "claude-x", Serves = ["auto"] }],
        });
    }

    private static HttpRequestMessage Get(string? key)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, "/admin/config");
        if (key is not null)
        {
            req.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return req;
    }

    [Fact]
    public async Task AdminConfig_AdminKey_HashOfLoadedFileAndVerdictPerPart()
    {
        await using var f = await CascadeFixture.StartAsync(AddAdminAndKeylessProvider);

        var (resp, body) = await f.Host.SendAsync(Get(AdminKey));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var doc = JsonSerializer.Deserialize(body, StatusJsonContext.Default.LoadedConfigDocument)!;
        // The one hash: what the operator computes from the ConfigMap text is what the router reports.
        Assert.Equal(ConfigHash.Of(File.ReadAllBytes(f.Host.ConfigPath)), doc.Hash);
        Assert.Equal(1, doc.Version);
        Assert.Equal(
            ["backend own-a loaded", "backend pool-1 loaded", "provider openai loaded", "provider anthropic refused",
             "tenant team-a loaded", "tenant team-b loaded", "tenant ops loaded", "policy default loaded"],
            doc.Verdicts.Select(v => $"{v.Kind} {v.Name} {v.Verdict}"));
        Assert.Contains("no API key", doc.Verdicts.Single(v => v.Name == "anthropic").Reason, StringComparison.Ordinal);
        Assert.Null(doc.LastRefused);
        Assert.DoesNotContain(TestConfigs.KeyA, body, StringComparison.Ordinal);
        Assert.DoesNotContain(AdminKey, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminConfig_TenantKey_403()
    {
        await using var f = await CascadeFixture.StartAsync(AddAdminAndKeylessProvider);

        var (resp, body) = await f.Host.SendAsync(Get(TestConfigs.KeyA));

        Assert.Equal(HttpStatusCode.Forbidden, resp.StatusCode);
        Assert.Contains("permission_error", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminConfig_NoKey_401()
    {
        await using var f = await CascadeFixture.StartAsync(AddAdminAndKeylessProvider);

        var (resp, _) = await f.Host.SendAsync(Get(null));

        Assert.Equal(HttpStatusCode.Unauthorized, resp.StatusCode);
    }

    [Fact]
    public async Task AdminConfig_NewerFileRefused_OldHashServedAndReasonShown()
    {
        await using var f = await CascadeFixture.StartAsync(AddAdminAndKeylessProvider);
        var source = f.Host.Router.Services.GetRequiredService<FileConfigSource>();
        var before = source.Current.Hash;
        var bad = TestConfigs.Standard(f.Own.BaseUrl, f.Hosted.BaseUrl, f.OpenAI.ProviderBaseUrl);
        AddAdminAndKeylessProvider(bad);
        bad.Backends[0].Tenant = "no-such-tenant";
        await f.Host.WriteConfigAsync(bad);

        Assert.False(source.TryReload());
        var (resp, body) = await f.Host.SendAsync(Get(AdminKey));

        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var doc = JsonSerializer.Deserialize(body, StatusJsonContext.Default.LoadedConfigDocument)!;
        Assert.Equal(before, doc.Hash);
        Assert.Contains("backend 'own-a' refers to unknown tenant 'no-such-tenant'", doc.LastRefused, StringComparison.Ordinal);
    }
}

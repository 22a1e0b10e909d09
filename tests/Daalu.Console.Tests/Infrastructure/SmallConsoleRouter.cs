using System.Text.Json;
using Daalu.Contracts.RouterConfig;
using Daalu.Gateway;
using Daalu.Router.Hosting;
using Daalu.Router.WebConsole;
using Microsoft.Extensions.DependencyInjection;

namespace Daalu.Console.Tests.Infrastructure;

/// <summary>
/// A real router with the console and one tenant (no backends), for tests that need their own console settings or
/// several router hosts side by side (login throttling, sessions across replicas) without disturbing the shared world.
/// </summary>
public sealed class SmallConsoleRouter : IAsyncDisposable
{
    public const string TenantKey = "key-small-team-0001";

    private readonly string _dir;

    private SmallConsoleRouter(string dir, RunningRouter router)
    {
        _dir = dir;
        Router = router;
    }

    public RunningRouter Router { get; }

    public string BaseUrl => Router.BaseUrl;

    /// <summary>Starts a router in its own directory; <paramref name="gateway"/> may name a shared Redis (the ledger is always its own).</summary>
    public static async Task<SmallConsoleRouter> StartAsync(ConsoleOptions options, GatewayOptions? gateway = null)
    {
        var dir = Directory.CreateTempSubdirectory("daalu-console-small-").FullName;
        var config = new RouterConfiguration
        {
            Tenants = [new TenantConfig { Name = "team-small", Keys = [new SecretSource { Value = TenantKey }] }],
            Policies = [new PolicyConfig { Name = "default" }],
        };
        var path = Path.Combine(dir, "router.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config, RouterConfigJsonContext.Default.RouterConfiguration));
        gateway ??= new GatewayOptions();
        gateway.LedgerPath = Path.Combine(dir, "ledger.db");
        var router = await RouterHost.StartAsync(new RouterHostOptions
        {
            ConfigPath = path,
            Urls = "http://127.0.0.1:0",
            Gateway = gateway,
            ConfigureServices = s => s.AddSingleton(options),
        });
        return new SmallConsoleRouter(dir, router);
    }

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

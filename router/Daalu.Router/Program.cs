using Daalu.Gateway;
using Daalu.Router.Backends;
using Daalu.Router.Configuration;
using Daalu.Router.Hosting;
using Microsoft.Extensions.DependencyInjection;

// Standalone run: dotnet run --project router/Daalu.Router -- --config config/samples/router-local.yaml [--urls http://127.0.0.1:8080] [--ledger ./daalu-ledger.db]
//   [--redis 127.0.0.1:6379] [--redis-failure-mode FailClosed|FailOpen] [--redis-timeout-ms 250] [--reservation-ttl-seconds 900]
//   [--postgres <Npgsql connection string>] [--reconcile-seconds 60]
//   (Redis: quota shared by several replicas; PostgreSQL: one ledger shared by several replicas. Prefer the environment
//   variable DAALU_POSTGRES_CONNECTION_STRING for the connection string: a command line is visible to every process.)
// Demo: dotnet run --project router/Daalu.Router -- demo [--urls http://127.0.0.1:8080]
//   the router plus simulated engines (own GPU, hosted pool, external provider) in this process; prints what to try.
if (args.Length > 0 && args[0] == "demo")
{
    var demoUrls = "http://127.0.0.1:8080";
    for (var i = 1; i < args.Length - 1; i++)
    {
        if (args[i] == "--urls")
        {
            demoUrls = args[++i];
        }
    }

    await using var demo = await Daalu.Router.Hosting.Demo.DemoHost.StartAsync(demoUrls);
    Console.WriteLine(StartupReport.Render(demo.Router.Services.GetRequiredService<IRouterConfigSource>().Current, demo.Router.Services.GetRequiredService<BackendRegistry>()));
    Console.WriteLine(Daalu.Router.Hosting.Demo.DemoHost.Banner(demo));
    await demo.Router.App.WaitForShutdownAsync();
    return 0;
}

string? configPath = null;
var urls = Environment.GetEnvironmentVariable("DAALU_ROUTER_URLS") ?? "http://127.0.0.1:8080";
var ledger = "./daalu-ledger.db";
var redis = Environment.GetEnvironmentVariable("DAALU_REDIS_URL");
var failureMode = Environment.GetEnvironmentVariable("DAALU_REDIS_FAILURE_MODE") ?? nameof(RedisFailureMode.FailClosed);
var postgres = Environment.GetEnvironmentVariable("DAALU_POSTGRES_CONNECTION_STRING");
string? reconcileSeconds = null;
string? redisTimeoutMs = null;
string? reservationTtlSeconds = null;
for (var i = 0; i < args.Length - 1; i++)
{
    switch (args[i])
    {
        case "--config": configPath = args[++i]; break;
        case "--urls": urls = args[++i]; break;
        case "--ledger": ledger = args[++i]; break;
        case "--redis": redis = args[++i]; break;
        case "--redis-failure-mode": failureMode = args[++i]; break;
        case "--redis-timeout-ms": redisTimeoutMs = args[++i]; break;
        case "--reservation-ttl-seconds": reservationTtlSeconds = args[++i]; break;
        case "--postgres": postgres = args[++i]; break;
        case "--reconcile-seconds": reconcileSeconds = args[++i]; break;
    }
}

configPath ??= Environment.GetEnvironmentVariable("DAALU_ROUTER_CONFIG");
if (configPath is null)
{
    await Console.Error.WriteLineAsync("usage: Daalu.Router --config <file.yaml|file.json> [--urls http://127.0.0.1:8080] [--ledger ./daalu-ledger.db] [--redis host:port] [--redis-failure-mode FailClosed|FailOpen]");
    return 2;
}

if (!Enum.TryParse<RedisFailureMode>(failureMode, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
{
    await Console.Error.WriteLineAsync($"cannot start: --redis-failure-mode must be FailClosed or FailOpen, not '{failureMode}'");
    return 2;
}

var gateway = new GatewayOptions
{
    LedgerPath = ledger,
    RedisUrl = string.IsNullOrWhiteSpace(redis) ? null : redis,
    RedisFailureMode = mode,
    PostgresConnectionString = string.IsNullOrWhiteSpace(postgres) ? null : postgres,
};
if (reconcileSeconds is not null)
{
    if (!int.TryParse(reconcileSeconds, System.Globalization.CultureInfo.InvariantCulture, out var rs) || rs is < 1 or > 86_400)
    {
        await Console.Error.WriteLineAsync($"cannot start: --reconcile-seconds must be 1..86400, not '{reconcileSeconds}'");
        return 2;
    }

    gateway.ReconcileInterval = TimeSpan.FromSeconds(rs);
}

if (redisTimeoutMs is not null)
{
    if (!int.TryParse(redisTimeoutMs, System.Globalization.CultureInfo.InvariantCulture, out var ms) || ms is < 1 or > 60_000)
    {
        await Console.Error.WriteLineAsync($"cannot start: --redis-timeout-ms must be 1..60000, not '{redisTimeoutMs}'");
        return 2;
    }

    gateway.RedisTimeout = TimeSpan.FromMilliseconds(ms);
}

if (reservationTtlSeconds is not null)
{
    if (!int.TryParse(reservationTtlSeconds, System.Globalization.CultureInfo.InvariantCulture, out var sec) || sec is < 1 or > 86_400)
    {
        await Console.Error.WriteLineAsync($"cannot start: --reservation-ttl-seconds must be 1..86400, not '{reservationTtlSeconds}'");
        return 2;
    }

    gateway.ReservationTtl = TimeSpan.FromSeconds(sec);
}

Microsoft.AspNetCore.Builder.WebApplication app;
try
{
    app = RouterHost.Build(new RouterHostOptions { ConfigPath = configPath, Urls = urls, Gateway = gateway });
}
catch (ConfigLoadException ex)
{
    await Console.Error.WriteLineAsync($"cannot start: {ex.Message}");
    return 1;
}

if (!await RouterHost.WarmUpQuotaStoreAsync(app.Services, TimeSpan.FromSeconds(5)))
{
    await Console.Error.WriteLineAsync($"warning: Redis did not answer within 5 s; hosted admissions follow the {mode} policy until it does");
}

await app.StartAsync();
var monitor = app.Services.GetRequiredService<BackendMonitor>();
await Task.WhenAny(monitor.FirstRound, Task.Delay(TimeSpan.FromSeconds(5)));
Console.WriteLine($"Daalu router listening on {string.Join(", ", app.Urls)}");
Console.WriteLine(StartupReport.Render(app.Services.GetRequiredService<IRouterConfigSource>().Current, app.Services.GetRequiredService<BackendRegistry>()));
await app.WaitForShutdownAsync();
return 0;

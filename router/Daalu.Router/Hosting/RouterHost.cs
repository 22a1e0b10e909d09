using Daalu.Contracts;
using Daalu.Contracts.Usage;
using Daalu.Gateway;
using Daalu.Gateway.Metering;
using Daalu.Gateway.Usage;
using Daalu.Router.Api;
using Daalu.Router.Backends;
using Daalu.Router.Classification;
using Daalu.Router.Configuration;
using Daalu.Router.Forwarding;
using Daalu.Router.Observability;
using Daalu.Router.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Prometheus;

namespace Daalu.Router.Hosting;

/// <summary>Builds and starts the router web app; used by Program.cs, the tests and the benchmarks.</summary>
public static class RouterHost
{
    /// <summary>The gateway's hashed, constant-time key authenticator.</summary>
    public static TenantAuthenticatorFactory GatewayAuthenticator { get; } =
        keys => new HashedKeyAuthenticator(keys.Select(k => new TenantKey(k.Tenant, k.Admin, k.Key)));

    /// <summary>Builds the app without starting it.</summary>
    /// <exception cref="ConfigLoadException">The initial configuration is invalid.</exception>
    public static WebApplication Build(RouterHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var authFactory = options.Authenticator ?? GatewayAuthenticator;
        var initial = RouterConfigLoader.Load(options.ConfigPath, authFactory);
        // The router's settings come from its own config file (watched by FileConfigSource) and the command line. The
        // host's default appsettings reload would put a recursive file watcher on the working directory, where the
        // default ledger lives: every outbox write would wake it (and under a repository checkout, every build).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(RouterHost).Assembly.GetName().Name,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // The configured limit is enforced per request (it can change on reload); this is only the hard ceiling.
            k.Limits.MaxRequestBodySize = 1024L * 1024 * 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
        });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // Per-request framework logs cost more than routing itself on the hot path and say nothing our metrics do not.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // ASP.NET Core starts an Activity and a log scope for every request whenever its hosting logger is enabled at
        // any level, even with nothing listening: per request a trace id, two AsyncLocal writes and a traceparent
        // header upstream. Its messages are per-request ones only (startup failures still surface as exceptions), so
        // it is off; with OTLP tracing on, the "Microsoft.AspNetCore" source below makes the request Activity again.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        var s = builder.Services;
        var time = options.Time ?? TimeProvider.System;
        s.AddSingleton(time);
        s.AddSingleton(options.Random ?? Random.Shared);
        s.AddSingleton<RouterMetrics>();
        s.AddSingleton<BackendRegistry>();
        s.AddSingleton<UpstreamClient>();
        s.AddSingleton(sp => sp.GetRequiredService<UpstreamClient>().Invoker);
        s.AddSingleton<IComplexityClassifier, HeuristicComplexityClassifier>();
        s.AddSingleton(sp => new RequestClassifier(new Daalu.Router.Classification.Difficulty.DifficultyClassifier(Daalu.Router.Classification.Difficulty.DifficultyModel.Shipped, time), time));
        s.AddSingleton(sp => new Daalu.Router.Classification.Judging.JudgeClient(JudgeHttp(), time));
        s.AddSingleton(sp => new Daalu.Router.Classification.Judging.JudgeCache(time));
        s.AddSingleton<Daalu.Router.Classification.Judging.DifficultyJudge>();
        s.AddSingleton(sp => new Daalu.Router.Classification.Quality.QualityWatch(sp.GetRequiredService<Daalu.Router.Classification.Judging.JudgeClient>(),
            sp.GetRequiredService<BackendRegistry>(), sp.GetRequiredService<RouterMetrics>(), sp.GetRequiredService<Random>()));
        s.AddHostedService(sp => sp.GetRequiredService<Daalu.Router.Classification.Quality.QualityWatch>());
        s.AddSingleton(sp => new FileConfigSource(options.ConfigPath, initial, authFactory, sp.GetRequiredService<ILogger<FileConfigSource>>(), options.ConfigPollInterval));
        s.AddSingleton<IRouterConfigSource>(sp => sp.GetRequiredService<FileConfigSource>());
        s.AddHostedService(sp => sp.GetRequiredService<FileConfigSource>());
        s.AddSingleton<BackendMonitor>();
        s.AddHostedService(sp => sp.GetRequiredService<BackendMonitor>());
        s.AddSingleton<CascadeExecutor>();
        s.TryAddSingleton<CallsInFlight>();
        if (options.UseGateway)
        {
            s.AddDaaluGateway(options.Gateway);
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            // ASP.NET Core's own source ("Microsoft.AspNetCore") makes the server span the root: without it the
            // parent-based sampler drops every router span, because their parent (the request activity) is unsampled.
            s.AddOpenTelemetry().WithTracing(t => t.AddSource("Microsoft.AspNetCore", RouterTracing.SourceName).AddOtlpExporter())
                .WithMetrics(m => m.AddMeter(GenAiMetrics.MeterName).AddOtlpExporter());
        }

        options.ConfigureServices?.Invoke(s);
        var app = builder.Build();
        var metrics = app.Services.GetRequiredService<RouterMetrics>();
        var source = app.Services.GetRequiredService<FileConfigSource>();
        source.Changed += _ => metrics.ConfigReloads.WithLabels("ok").Inc();
        source.Rejected += _ => metrics.ConfigReloads.WithLabels("rejected").Inc();
        app.MapRouterApi();
        app.MapAdminConfigApi();
        // One scrape target: the router's registry, then the gateway's (quota, outbox, ledger faults).
        app.MapGet("/metrics", async ctx =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted);
            if (options.UseGateway)
            {
                await GatewayMetrics.Registry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted);
            }
        });
        if (options.UseGateway)
        {
            var directory = app.Services.GetRequiredService<StaticUsageDirectory>();
            SyncUsageDirectory(directory, initial);
            source.Changed += s => SyncUsageDirectory(directory, s);
            app.MapUsageApi(ctx =>
            {
                var auth = ctx.Request.Headers.Authorization.ToString();
                return auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? source.Current.Authenticator.Authenticate(auth.AsSpan(7).Trim()) : null;
            });
            app.MapConsole();
            app.MapGet("/", () => Results.Redirect("/console"));
        }

        // Anything unrouted answers as OpenAI's API does ({"error":{"message":"Invalid URL (GET /v1/foo)",...}}), never an
        // empty 404 that an SDK reports as a parse failure.
        app.MapFallback(ctx => OpenAIError.WriteAsync(ctx, 404, "invalid_request_error", null,
            $"Invalid URL ({ctx.Request.Method} {ctx.Request.Path})"));
        return app;
    }

    // The judge's own connections: no proxy, redirects, cookies or decompression (as the upstream client), so its calls
    // neither queue behind nor count as cascade traffic.
    private static HttpMessageInvoker JudgeHttp() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    });

    // The gateway's usage report needs plans, derived roles and commercial prices; they come from the same snapshot.
    private static void SyncUsageDirectory(StaticUsageDirectory directory, RouterSnapshot snap)
    {
        var roles = snap.Tenants.Values.ToDictionary(t => t.Name, t =>
        {
            // The operator compiles the role it resolves from GpuNodes; only a hand-written file leaves it out.
            if (Enum.TryParse<TenantRole>(t.Config.Role, ignoreCase: false, out var compiled) && Enum.IsDefined(compiled))
            {
                return compiled;
            }

            var own = snap.Backends.Where(b => b.Tier == Daalu.Contracts.TierNames.OwnGpu && b.Tenant == t.Name).ToList();
            return own.Any(b => b.Shared) ? TenantRole.Provider
                : own.Count > 0 ? TenantRole.Owner
                : t.Plan is { Enrolled: true } ? TenantRole.Consumer
                : TenantRole.None;
        }, StringComparer.Ordinal);
        var skus = snap.Providers.SelectMany(p => p.Config.Models.Select(m => new CommercialSku($"{p.Name}/{m.Name}", m.InputPricePerMTok, m.OutputPricePerMTok))).ToArray();
        directory.Update(snap.Tenants.Values.Where(t => t.Plan is not null).Select(t => t.Plan!), roles, skus);
    }

    /// <summary>
    /// With a Redis quota gate, waits (at most <paramref name="limit"/>) until Redis answers, so the first hosted
    /// admissions do not meet a cold connection and get refused as QuotaStoreUnavailable. Returns false when Redis did
    /// not answer in time (the router still starts; the configured fail-open/fail-closed policy applies meanwhile).
    /// </summary>
    public static async Task<bool> WarmUpQuotaStoreAsync(IServiceProvider services, TimeSpan limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<Daalu.Gateway.Abstractions.IQuotaGate>() is not Daalu.Gateway.Redis.RedisQuotaGate redis)
        {
            return true;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(limit);
        try
        {
            return await redis.WaitUntilConnectedAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Builds and starts the router; with port 0 in <see cref="RouterHostOptions.Urls"/> the bound port is in BaseUrl.</summary>
    public static async Task<RunningRouter> StartAsync(RouterHostOptions options, CancellationToken ct = default)
    {
        var app = Build(options);
        await WarmUpQuotaStoreAsync(app.Services, options.QuotaStoreWarmUp, ct);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningRouter(app, address.TrimEnd('/').Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }
}

using System.Net;
using Daalu.Gateway;
using Daalu.Gateway.Usage;
using Daalu.Router.Backends;
using Daalu.Router.Configuration;
using Daalu.Router.WebConsole.Diagnostics;
using Daalu.Router.WebConsole.Live;
using Daalu.Router.WebConsole.Security;
using Daalu.Router.WebConsole.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RedisBreaker = Daalu.Gateway.Redis.CircuitBreaker;

namespace Daalu.Router.WebConsole;

/// <summary>
/// Mounts the AI Factory and Billing console (docs/console.md) on any router host: it takes what it needs from the
/// host's services (configuration, backend registry, the gateway's usage service) and builds its own (sessions, the
/// scraper's connection pool), so the standalone router and the demo mount it with one call.
/// </summary>
public static class ConsoleEndpoints
{
    /// <summary>
    /// Maps the console under <see cref="ConsoleOptions.PathBase"/> (a <see cref="ConsoleOptions"/> registered in DI
    /// wins over the defaults). Maps nothing when the host has no gateway (no usage service to read).
    /// </summary>
    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var sp = app.ServiceProvider;
        if (sp.GetService<UsageQueryService>() is not { } usage)
        {
            return app;
        }

        var options = sp.GetService<ConsoleOptions>() ?? new ConsoleOptions();
        var routerTime = sp.GetService<TimeProvider>() ?? TimeProvider.System;
        var time = options.Time ?? routerTime;
        // Its own pool: console scrapes and probes never queue behind (or hold) the router's upstream connections.
        var http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.UpstreamTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        sp.GetService<IHostApplicationLifetime>()?.ApplicationStopped.Register(http.Dispose);
        var gatewayOptions = sp.GetRequiredService<GatewayOptions>();
        var redis = Redis(gatewayOptions, options, sp);
        var loggers = sp.GetService<ILoggerFactory>();
        ISessionStore sessions = redis is null
            ? new SessionStore(options, time)
            : new RedisSessionStore(redis, gatewayOptions.RedisKeyPrefix, options, time, Logger<RedisSessionStore>(loggers));
        var loginCounter = redis is null ? null : new RedisLoginCounter(redis, gatewayOptions.RedisKeyPrefix,
            new RedisBreaker(Math.Max(1, gatewayOptions.BreakerFailureThreshold), gatewayOptions.BreakerOpenDuration, time), Logger<RedisLoginCounter>(loggers));
        var loginGate = new LoginGate(new LoginThrottle(options), loginCounter, options, time);
        var console = new ConsoleApp(
            sp.GetRequiredService<IRouterConfigSource>(),
            sp.GetRequiredService<BackendRegistry>(),
            usage,
            sp.GetRequiredService<IUsageDirectory>(),
            gatewayOptions,
            sessions,
            new LiveScraper(http, options, routerTime),
            new DiagnosticsProbe(http, options),
            new ProbeRateLimit(options.DiagnosticsInterval),
            loginGate,
            options,
            time);

        var g = app.MapGroup(options.PathBase);
        g.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            if (!context.HttpContext.Request.Path.StartsWithSegments(options.PathBase + "/assets", StringComparison.Ordinal))
            {
                headers.CacheControl = "no-store";
            }

            return await next(context);
        });
        // One route: the matcher ignores a trailing slash, so "" serves /console and /console/ (a second "/" route
        // made both an AmbiguousMatchException, a 500).
        g.MapGet("", new Func<HttpContext, Task<IResult>>(console.RootAsync));
        g.MapGet("/login", new Func<HttpContext, Task<IResult>>(console.LoginFormAsync));
        g.MapPost("/login", new Func<HttpContext, Task<IResult>>(console.LoginAsync)).DisableAntiforgery();
        g.MapPost("/logout", new Func<HttpContext, Task<IResult>>(console.LogoutAsync)).DisableAntiforgery();
        g.MapGet("/factory", new Func<HttpContext, Task<IResult>>(console.FactoryPageAsync));
        g.MapGet("/billing", new Func<HttpContext, Task<IResult>>(console.BillingPageAsync));
        g.MapGet("/admin", new Func<HttpContext, Task<IResult>>(console.AdminPageAsync));
        g.MapGet("/api/usage", new Func<HttpContext, Task<IResult>>(console.UsageJsonAsync));
        g.MapGet("/api/hardware", new Func<HttpContext, Task<IResult>>(console.HardwareJsonAsync));
        g.MapGet("/api/backends", new Func<HttpContext, Task<IResult>>(console.BackendsJsonAsync));
        g.MapPost("/api/diagnostics", new Func<HttpContext, Task<IResult>>(console.DiagnosticsAsync)).DisableAntiforgery();
        g.MapGet("/assets/{name}", ConsoleAssets.Serve);
        return app;
    }

    /// <summary>
    /// The console's connection to the router's Redis when it has one (several replicas): sessions then hold on every
    /// replica and a logout revokes them everywhere, and failed logins count across replicas. Null: sessions and the
    /// login throttle stay in this process's memory.
    /// </summary>
    private static ConsoleRedisConnection? Redis(GatewayOptions gateway, ConsoleOptions options, IServiceProvider sp)
    {
        if (string.IsNullOrWhiteSpace(gateway.RedisUrl))
        {
            return null;
        }

        var redis = new ConsoleRedisConnection(gateway.RedisUrl, options.SessionStoreTimeout);
        sp.GetService<IHostApplicationLifetime>()?.ApplicationStopped.Register(() => redis.DisposeAsync().AsTask().GetAwaiter().GetResult());
        return redis;
    }

    private static ILogger Logger<T>(ILoggerFactory? loggers) => loggers?.CreateLogger<T>() ?? (ILogger)NullLogger.Instance;
}

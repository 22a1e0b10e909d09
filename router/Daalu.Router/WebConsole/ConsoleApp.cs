using System.Globalization;
using System.Text.Json;
using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;
using Daalu.Contracts.Usage;
using Daalu.Gateway;
using Daalu.Gateway.Abstractions;
using Daalu.Gateway.Usage;
using Daalu.Router.Backends;
using Daalu.Router.Configuration;
using Daalu.Router.WebConsole.Access;
using Daalu.Router.WebConsole.Billing;
using Daalu.Router.WebConsole.Diagnostics;
using Daalu.Router.WebConsole.Json;
using Daalu.Router.WebConsole.Live;
using Daalu.Router.WebConsole.Pages;
using Daalu.Router.WebConsole.Security;
using Daalu.Router.WebConsole.Sessions;
using Daalu.Router.WebConsole.Usage;
using Microsoft.AspNetCore.Http;

namespace Daalu.Router.WebConsole;

/// <summary>
/// The console's handlers with their services bundled once. Every handler resolves the viewer on the server (session
/// -> tenant -> derived role -> panels) before it reads any data; the browser only renders what it was given.
/// </summary>
internal sealed class ConsoleApp(
    IRouterConfigSource config,
    BackendRegistry registry,
    UsageQueryService usage,
    IUsageDirectory directory,
    GatewayOptions gateway,
    ISessionStore sessions,
    LiveScraper scraper,
    DiagnosticsProbe probe,
    ProbeRateLimit probeLimit,
    LoginGate loginGate,
    ConsoleOptions options,
    TimeProvider time)
{
    public const string CookieName = "daalu_console";
    public const int ChartDays = 7;

    private string Base => options.PathBase;

    public async Task<IResult> RootAsync(HttpContext ctx) => Results.Redirect(Base + (await ViewerAsync(ctx, null) is null ? "/login" : "/factory"));

    public async Task<IResult> LoginFormAsync(HttpContext ctx)
    {
        if (await ViewerAsync(ctx, null) is not null)
        {
            return Results.Redirect(Base + "/factory");
        }

        var q = ctx.Request.Query;
        var message = q.ContainsKey("expired") ? "Your session has expired. Please log in again."
            : q.ContainsKey("loggedout") ? "You are logged out." : null;
        return Page(LoginPage.Render(Base, message));
    }

    public async Task<IResult> LoginAsync(HttpContext ctx)
    {
        if (!SameOrigin(ctx))
        {
            return Forbidden("cross-origin login refused");
        }

        if (!ctx.Request.HasFormContentType)
        {
            return Page(LoginPage.Render(Base, "Send the form."), StatusCodes.Status400BadRequest);
        }

        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        var key = form["key"].ToString().Trim();
        var snap = config.Current;
        var client = ctx.Connection.RemoteIpAddress;
        var attempt = await loginGate.BeginAsync(client, key, ctx.RequestAborted);
        if (attempt.Wait > TimeSpan.Zero)
        {
            // Refused before the key is even checked, so a guesser learns nothing while throttled.
            var seconds = Math.Ceiling(attempt.Wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            ctx.Response.Headers.RetryAfter = seconds;
            return Page(LoginPage.Render(Base, $"Too many failed logins. Try again in {seconds} seconds."), StatusCodes.Status429TooManyRequests);
        }

        var identity = key.Length == 0 ? null : snap.Authenticator.Authenticate(key);
        if (identity is null || !snap.Tenants.ContainsKey(identity.Tenant))
        {
            await loginGate.EndAsync(attempt, succeeded: false);
            return Page(LoginPage.Render(Base, "That key is not valid."), StatusCodes.Status401Unauthorized);
        }

        await loginGate.EndAsync(attempt, succeeded: true);

        // A new login replaces the browser's previous session rather than leaving it alive beside the new one.
        if (ctx.Request.Cookies[CookieName] is { Length: > 0 } previous)
        {
            await sessions.RemoveAsync(previous, ctx.RequestAborted);
        }

        var session = await sessions.CreateAsync(identity.Tenant, ctx.RequestAborted);
        if (session is null)
        {
            return Page(LoginPage.Render(Base, "Too many open sessions; try again later."), StatusCodes.Status503ServiceUnavailable);
        }

        ctx.Response.Cookies.Append(CookieName, session.Id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = ctx.Request.IsHttps,
            Path = Base,
            IsEssential = true,
        });
        return Results.Redirect(Base + "/factory");
    }

    public async Task<IResult> LogoutAsync(HttpContext ctx)
    {
        var session = await sessions.FindAsync(ctx.Request.Cookies[CookieName], ctx.RequestAborted);
        if (session is null)
        {
            return Results.Redirect(Base + "/login?expired=1");
        }

        var form = ctx.Request.HasFormContentType ? await ctx.Request.ReadFormAsync(ctx.RequestAborted) : null;
        if (!SameOrigin(ctx) || !CsrfCheck.TokenMatches(form?["csrf"].ToString(), session.CsrfToken))
        {
            return Forbidden("cross-site request refused");
        }

        if (!await sessions.RemoveAsync(session.Id, ctx.RequestAborted))
        {
            // Not revoked: the session would stay valid on the other replicas, so do not pretend the logout worked.
            return Page(LoginPage.Render(Base, "Logging out failed: the session store is unreachable. Try again."), StatusCodes.Status503ServiceUnavailable);
        }

        ctx.Response.Cookies.Delete(CookieName, new CookieOptions { Path = Base, HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = ctx.Request.IsHttps });
        return Results.Redirect(Base + "/login?loggedout=1");
    }

    public async Task<IResult> FactoryPageAsync(HttpContext ctx)
    {
        var (refusal, viewer) = await PageViewerAsync(ctx);
        if (refusal is not null)
        {
            return refusal;
        }

        var report = Report(viewer, ChartDays);
        var latency = LedgerLatency.Read(gateway.LedgerPath, Scope(viewer), report.From, report.To);
        var cards = CardsOf(viewer).Select(b => (b.Name, registry.Get(b.Name).Reachable)).ToList();
        var tiers = BillingChart.TierOrder.Select(t => new TierUse(
            t,
            report.Rows.Where(r => r.Tier == t).Sum(r => r.Requests),
            report.Rows.Where(r => r.Tier == t).Sum(r => r.TokensIn + r.TokensOut))).ToList();
        var served = ServedByDay(report);
        var body = Pages.FactoryPage.Body(viewer, report, latency, cards);
        var model = new FactoryModel(
            "factory",
            viewer.ViewedTenant,
            viewer.RoleName,
            viewer.Panels,
            viewer.Session.CsrfToken,
            tiers,
            new FactoryUsage(report.Totals.Requests, report.Totals.TokensIn + report.Totals.TokensOut, report.Quota, latency),
            viewer.Panels.PoolServed ? served : null,
            Api(viewer));
        return Page(Html.Page(Base, "AI Factory", "factory", viewer, body, JsonSerializer.Serialize(model, ConsoleJsonContext.Default.FactoryModel)));
    }

    public async Task<IResult> BillingPageAsync(HttpContext ctx)
    {
        var (refusal, viewer) = await PageViewerAsync(ctx);
        if (refusal is not null)
        {
            return refusal;
        }

        var report = Report(viewer, ChartDays);
        var chart = BillingChart.From(report);
        var skus = SkuQuote.From(directory.CommercialSkus, report.SkuComparison);
        var model = new BillingModel("billing", viewer.ViewedTenant, viewer.RoleName, chart, report.Totals,
            viewer.Panels.Credits ? report.ProviderCredits : null, skus, Api(viewer));
        return Page(Html.Page(Base, "Billing", "billing", viewer, Pages.BillingPage.Body(viewer, report, skus),
            JsonSerializer.Serialize(model, ConsoleJsonContext.Default.BillingModel)));
    }

    public async Task<IResult> AdminPageAsync(HttpContext ctx)
    {
        var (refusal, viewer) = await PageViewerAsync(ctx);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!viewer.Admin)
        {
            return Forbidden("admin keys only");
        }

        var snap = config.Current;
        var report = Report(viewer with { ViewedTenant = null }, ChartDays);
        var tenants = snap.Tenants.Values.OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (t.Name, directory.RoleOf(t.Name).ToString(), snap.Backends.Count(b => b.Tier == TierNames.OwnGpu && b.Tenant == t.Name), t.Admin))
            .ToList();
        return Page(Html.Page(Base, "All tenants", "admin", viewer, Pages.AdminPage.Body(Base, report, tenants),
            JsonSerializer.Serialize(new PageModel("admin"), ConsoleJsonContext.Default.PageModel)));
    }

    public async Task<IResult> UsageJsonAsync(HttpContext ctx)
    {
        var (refusal, viewer) = await ApiViewerAsync(ctx);
        if (refusal is not null)
        {
            return refusal;
        }

        var daysText = ctx.Request.Query["days"].ToString();
        var days = ChartDays;
        if (daysText.Length > 0 && (!int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > UsageQueryService.MaxDays))
        {
            return Results.Json(new ConsoleError("days must be 1..366"), ConsoleJsonContext.Default.ConsoleError, statusCode: StatusCodes.Status400BadRequest);
        }

        var report = Report(viewer, days);
        return NoStore(ctx, Results.Json(new UsageAnswer(report, LedgerLatency.Read(gateway.LedgerPath, Scope(viewer), report.From, report.To)), ConsoleJsonContext.Default.UsageAnswer));
    }

    public async Task<IResult> HardwareJsonAsync(HttpContext ctx)
    {
        var (refusal, viewer) = await ApiViewerAsync(ctx);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!viewer.Panels.Hardware)
        {
            return Forbidden($"the {viewer.RoleName} role has no hardware view");
        }

        var views = await Task.WhenAll(CardsOf(viewer).Select(b => scraper.HardwareAsync(b.Name, b.DcgmExporterUrl, ctx.RequestAborted)));
        return NoStore(ctx, Results.Json(new HardwareAnswer(views), ConsoleJsonContext.Default.HardwareAnswer));
    }

    public async Task<IResult> BackendsJsonAsync(HttpContext ctx)
    {
        var (refusal, viewer) = await ApiViewerAsync(ctx);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!viewer.Panels.Backends)
        {
            return Forbidden($"the {viewer.RoleName} role has no backend view");
        }

        var snap = config.Current;
        var live = await Task.WhenAll(CardsOf(viewer).Select(async b =>
        {
            var view = registry.View(b.Name);
            var (previous, current, error) = await scraper.VllmAsync(b.Name, b.Url, snap.BackendKeys.GetValueOrDefault(b.Name), ctx.RequestAborted);
            var ttft = current is null ? null : VllmReading.MeanTtftSeconds(previous, current);
            return new BackendLive(b.Name, b.Tier, b.Tenant, b.Shared, registry.Get(b.Name).Reachable, view.Circuit.ToString(), view.InFlight,
                view.DetectedModels ?? b.Models, current?.KvCacheUsage ?? view.KvCacheUsage, current?.Running, current?.Waiting ?? view.RequestsWaiting,
                current is null ? null : VllmReading.TokensPerSecond(previous, current), ttft * 1000, !string.IsNullOrEmpty(b.DcgmExporterUrl), error);
        }));
        return NoStore(ctx, Results.Json(new BackendsAnswer(time.GetUtcNow(), live), ConsoleJsonContext.Default.BackendsAnswer));
    }

    public async Task<IResult> DiagnosticsAsync(HttpContext ctx)
    {
        var (refusal, viewer) = await ApiViewerAsync(ctx);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!SameOrigin(ctx) || !CsrfCheck.TokenMatches(ctx.Request.Headers["X-Daalu-Csrf"].ToString(), viewer.Session.CsrfToken))
        {
            return Forbidden("cross-site request refused");
        }

        if (!viewer.Panels.Diagnostics)
        {
            return Forbidden($"the {viewer.RoleName} role cannot run diagnostics");
        }

        var wait = probeLimit.TryAcquire(viewer.ViewedTenant ?? "*", time.GetUtcNow());
        if (wait > TimeSpan.Zero)
        {
            ctx.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return Results.Json(new RateLimitedError("diagnostics are rate-limited", Math.Ceiling(wait.TotalSeconds)), ConsoleJsonContext.Default.RateLimitedError, statusCode: StatusCodes.Status429TooManyRequests);
        }

        var snap = config.Current;
        var results = await Task.WhenAll(CardsOf(viewer).Take(16).Select(b => probe.RunAsync(b.Name, b.Url, snap.BackendKeys.GetValueOrDefault(b.Name), ctx.RequestAborted)));
        return NoStore(ctx, Results.Json(new DiagnosticsAnswer(results), ConsoleJsonContext.Default.DiagnosticsAnswer));
    }

    /// <summary>The viewer for a request, or null when there is no live session (or its tenant left the configuration).</summary>
    private async Task<ConsoleViewer?> ViewerAsync(HttpContext ctx, string? requestedTenant)
    {
        var session = await sessions.FindAsync(ctx.Request.Cookies[CookieName], ctx.RequestAborted);
        if (session is null || !config.Current.Tenants.TryGetValue(session.Tenant, out var tenant))
        {
            return null;
        }

        var viewed = ConsoleAccess.ViewedTenant(session.Tenant, tenant.Admin, requestedTenant);
        if (viewed is null)
        {
            return new ConsoleViewer(session, false, null, null, ConsolePanels.UsageOnly) { Refused = true };
        }

        var viewedTenant = viewed.Length == 0 ? null : viewed;
        var role = viewedTenant is null ? (TenantRole?)null : directory.RoleOf(viewedTenant);
        return new ConsoleViewer(session, tenant.Admin, viewedTenant, role, ConsoleAccess.For(role, tenant.Admin));
    }

    private async Task<(IResult? Refusal, ConsoleViewer Viewer)> PageViewerAsync(HttpContext ctx)
    {
        var viewer = await ViewerAsync(ctx, ctx.Request.Query["tenant"].ToString());
        if (viewer is null)
        {
            return (Results.Redirect(Base + (ctx.Request.Cookies.ContainsKey(CookieName) ? "/login?expired=1" : "/login")), null!);
        }

        return (viewer.Refused ? Forbidden("a tenant may only view itself") : null, viewer);
    }

    private async Task<(IResult? Refusal, ConsoleViewer Viewer)> ApiViewerAsync(HttpContext ctx)
    {
        var viewer = await ViewerAsync(ctx, ctx.Request.Query["tenant"].ToString());
        if (viewer is null)
        {
            return (Results.Json(new ConsoleError("not logged in or session expired"), ConsoleJsonContext.Default.ConsoleError, statusCode: StatusCodes.Status401Unauthorized), null!);
        }

        return (viewer.Refused ? Forbidden("a tenant may only view itself") : null, viewer);
    }

    private UsageReport Report(ConsoleViewer viewer, int days) =>
        usage.Query(new UsageQuery(new TenantIdentity(viewer.Session.Tenant, viewer.Admin), days, viewer.ViewedTenant));

    private static string? Scope(ConsoleViewer viewer) => viewer.ViewedTenant;

    /// <summary>The backends whose hardware and live state the viewer may see: its own cards; every backend for an admin's all-tenants view.</summary>
    private IEnumerable<BackendConfig> CardsOf(ConsoleViewer viewer)
    {
        var backends = config.Current.Backends;
        if (viewer.ViewedTenant is null)
        {
            return viewer.Admin ? backends : [];
        }

        return viewer.Role is TenantRole.Owner or TenantRole.Provider
            ? backends.Where(b => b.Tier == TierNames.OwnGpu && b.Tenant == viewer.ViewedTenant)
            : [];
    }

    private static ServedByDay ServedByDay(UsageReport report)
    {
        var chart = BillingChart.From(report);
        var byCard = report.ProviderCredits?.ByCard ?? [];
        return new ServedByDay(
            chart.Days,
            chart.Days.Select(d => byCard.Where(c => c.Day == d).Sum(c => c.Tokens)).ToList(),
            chart.Days.Select(d => byCard.Where(c => c.Day == d).Sum(c => c.Requests)).ToList(),
            report.ProviderCredits?.Total ?? 0);
    }

    private ConsoleApiLinks Api(ConsoleViewer viewer)
    {
        var q = viewer.Admin && viewer.ViewedTenant is not null ? "?tenant=" + Uri.EscapeDataString(viewer.ViewedTenant) : string.Empty;
        return new ConsoleApiLinks(Base + "/api/usage" + q, Base + "/api/hardware" + q, Base + "/api/backends" + q, Base + "/api/diagnostics" + q);
    }

    private static bool SameOrigin(HttpContext ctx) =>
        CsrfCheck.SameOrigin(ctx.Request.Headers.Origin.ToString(), ctx.Request.Headers.Referer.ToString(), ctx.Request.Host.Value ?? string.Empty);

    private static IResult Forbidden(string message) => Results.Json(new ConsoleError(message), ConsoleJsonContext.Default.ConsoleError, statusCode: StatusCodes.Status403Forbidden);

    private static IResult NoStore(HttpContext ctx, IResult result)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        return result;
    }

    private static IResult Page(string html, int status = StatusCodes.Status200OK) => Results.Content(html, "text/html; charset=utf-8", null, status);
}

using System.Collections.Concurrent;
using System.Globalization;
using Daalu.Contracts.Usage;
using Daalu.Gateway.Usage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Daalu.Operator.Tests.Tenancy;

/// <summary>
/// Stands for the router's GET /v1/usage as docs/gateway.md documents it: bearer-key auth (401 with an OpenAI-shaped
/// error for any other key), admin-only <c>tenant</c> query, <c>days</c> 1..366 (400 otherwise), and the body
/// serialized from the gateway's own <see cref="UsageReport"/> record with ASP.NET's web JSON defaults, as
/// <c>UsageApi</c> does. The reports it answers with are set by the test.
/// </summary>
internal sealed class FakeUsageServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, UsageReport> _reports = new(StringComparer.Ordinal);

    private FakeUsageServer(WebApplication app) => _app = app;

    /// <summary>The bearer key an admin must present; null refuses everyone.</summary>
    public Func<string?> AdminKey { get; set; } = () => null;

    public string BaseUrl => _app.Urls.First();

    /// <summary>Queries received: (tenant, days).</summary>
    public ConcurrentQueue<(string Tenant, int Days)> Queries { get; } = new();

    public void Set(string tenant, UsageReport report) => _reports[tenant] = report;

    public static async Task<FakeUsageServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeUsageServer(app);
        app.MapGet("/v1/usage", (HttpContext c) => server.Handle(c));
        await app.StartAsync();
        return server;
    }

    private IResult Handle(HttpContext context)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        var expected = AdminKey();
        if (expected is null || auth != "Bearer " + expected)
        {
            return Results.Json(new { error = new { message = "Missing or invalid API key.", type = "authentication_error", param = (string?)null, code = "invalid_api_key" } }, statusCode: 401);
        }

        var daysText = context.Request.Query["days"].ToString();
        var days = 30;
        if (daysText.Length > 0 && (!int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > 366))
        {
            return Results.Json(new { error = new { message = "days must be an integer between 1 and 366.", type = "invalid_request_error", param = "days", code = "invalid_value" } }, statusCode: 400);
        }

        var tenant = context.Request.Query["tenant"].ToString();
        Queries.Enqueue((tenant, days));
        return _reports.TryGetValue(tenant, out var report)
            ? Results.Json(report)
            : Results.Json(new UsageReport(tenant, "None", "", "", days, [], new UsageTotals(0, 0, 0, 0, 0, 0), null, null, []));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

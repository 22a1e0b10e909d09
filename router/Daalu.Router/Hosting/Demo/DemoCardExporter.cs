using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daalu.Router.Hosting.Demo;

/// <summary>One simulated card's dcgm-exporter: GET /metrics on its own 127.0.0.1 port, rendered by <see cref="DemoCardMetrics"/> from the card's state at each scrape.</summary>
public sealed class DemoCardExporter : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DemoCardExporter(WebApplication app, string metricsUrl)
    {
        _app = app;
        MetricsUrl = metricsUrl;
    }

    /// <summary>http://127.0.0.1:port/metrics.</summary>
    public string MetricsUrl { get; }

    /// <summary>Starts on a free port; <paramref name="read"/> gives the card's state at each scrape.</summary>
    public static async Task<DemoCardExporter> StartAsync(Func<DemoCard> read, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/metrics", () => Results.Text(DemoCardMetrics.Render(read()), "text/plain; version=0.0.4; charset=utf-8"));
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DemoCardExporter(app, address.TrimEnd('/') + "/metrics");
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Daalu.Router.WebConsole.Metrics;

namespace Daalu.Router.WebConsole.Live;

/// <summary>
/// Fetches backends' /metrics and dcgm-exporter pages for the console, off the request path: only when a console page
/// asks, at most once per <see cref="ConsoleOptions.ScrapeCacheTime"/> per URL however many pages poll, with its own
/// connection pool and timeout so a slow exporter cannot hold the router's upstream connections.
/// </summary>
internal sealed class LiveScraper(HttpClient http, ConsoleOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (VllmCounters? Previous, VllmCounters Current)> _history = new(StringComparer.Ordinal);

    /// <summary>The engine's counters now and at the scrape before (for rates); null counters with the error when unreadable.</summary>
    public async Task<(VllmCounters? Previous, VllmCounters? Current, string? Error)> VllmAsync(string backend, string baseUrl, string? bearer, CancellationToken ct)
    {
        var scrape = await GetAsync(baseUrl.TrimEnd('/') + "/metrics", bearer, ct);
        if (scrape.Text is null)
        {
            return (null, null, scrape.Error);
        }

        var current = VllmReading.Read(PromParser.Parse(scrape.Text), scrape.At);
        var pair = _history.AddOrUpdate(backend, _ => (null, current), (_, old) => old.Current.At == current.At ? old : (old.Current, current));
        return (pair.Previous, pair.Current, null);
    }

    public async Task<HardwareView> HardwareAsync(string backend, string? exporterUrl, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(exporterUrl))
        {
            return new HardwareView(backend, null, "no dcgmExporterUrl configured for this backend", []);
        }

        var scrape = await GetAsync(exporterUrl, null, ct);
        return scrape.Text is null
            ? new HardwareView(backend, exporterUrl, scrape.Error, [])
            : new HardwareView(backend, exporterUrl, null, DcgmReading.Read(backend, PromParser.Parse(scrape.Text)));
    }

    private Task<Scrape> GetAsync(string url, string? bearer, CancellationToken ct)
    {
        _ = ct; // a scrape is shared by every page polling it: one page leaving must not cancel it for the others
        var now = time.GetUtcNow();
        var entry = _cache.AddOrUpdate(
            url,
            u => new Entry(now, FetchAsync(u, bearer)),
            (u, old) => now - old.At < options.ScrapeCacheTime ? old : new Entry(now, FetchAsync(u, bearer)));
        return entry.Task;
    }

    private async Task<Scrape> FetchAsync(string url, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        try
        {
            using var cts = new CancellationTokenSource(options.UpstreamTimeout);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token);
            var at = time.GetUtcNow();
            return response.IsSuccessStatusCode
                ? new Scrape(at, await response.Content.ReadAsStringAsync(cts.Token), null)
                : new Scrape(at, null, $"HTTP {(int)response.StatusCode} from {url}");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return new Scrape(time.GetUtcNow(), null, ex is OperationCanceledException ? $"timed out reading {url}" : $"cannot read {url}: {ex.Message}");
        }
    }

    private sealed record Entry(DateTimeOffset At, Task<Scrape> Task);

    private sealed record Scrape(DateTimeOffset At, string? Text, string? Error);
}

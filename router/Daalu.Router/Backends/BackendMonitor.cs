using System.Net.Http.Headers;
using System.Text.Json;
using Daalu.Router.Configuration;
using Daalu.Router.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Daalu.Router.Backends;

/// <summary>
/// Polls every configured backend's /v1/models (served models) and /metrics (saturation) on the configured interval,
/// and exports backend gauges. The first full round marks the router ready.
/// </summary>
public sealed partial class BackendMonitor(IRouterConfigSource config, BackendRegistry registry, RouterMetrics metrics, HttpMessageInvoker http, ILogger<BackendMonitor> log) : BackgroundService
{
    private readonly TaskCompletionSource _firstRound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes after the first probe round.</summary>
    public Task FirstRound => _firstRound.Task;

    /// <summary>Probes every backend once, in parallel.</summary>
    public async Task ProbeAllAsync(CancellationToken ct)
    {
        var snap = config.Current;
        await Task.WhenAll(snap.Backends.Select(b => ProbeAsync(snap, b.Name, b.Url, ct)));
        foreach (var r in registry.All)
        {
            metrics.Circuit.WithLabels(r.Name).Set((int)r.Breaker.State);
            metrics.InFlight.WithLabels(r.Name).Set(r.InFlight);
        }

        _firstRound.TrySetResult();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ProbeAllAsync(stoppingToken);
                await Task.Delay(config.Current.Config.Limits.ProbeIntervalMs, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ProbeAsync(RouterSnapshot snap, string name, string url, CancellationToken ct)
    {
        var rt = registry.Get(name);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(snap.Config.Limits.ProbeTimeoutMs);
        snap.BackendKeys.TryGetValue(name, out var key);
        try
        {
            var models = await GetModelsAsync(url, key, cts.Token);
            rt.SetModels(models);
            rt.Reachable = true;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or IOException)
        {
            if (ct.IsCancellationRequested)
            {
                throw;
            }

            if (rt.Reachable != false)
            {
                LogUnreachable(log, name, ex.GetType().Name);
            }

            rt.Reachable = false;
            return;
        }

        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, url.TrimEnd('/') + "/metrics");
            using var resp = await http.SendAsync(req, cts.Token);
            if (resp.IsSuccessStatusCode)
            {
                var text = await resp.Content.ReadAsStringAsync(cts.Token);
                var (kv, waiting) = PrometheusText.ReadSaturation(text);
                rt.SetSaturation(kv, waiting);
                rt.Load.Polled(kv, waiting, LoadBalancing.VllmRunning.Read(text));
                if (kv is { } k)
                {
                    metrics.KvCache.WithLabels(name).Set(k);
                }

                if (waiting is { } w)
                {
                    metrics.Waiting.WithLabels(name).Set(w);
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            if (ct.IsCancellationRequested)
            {
                throw;
            }

            // A server without /metrics (not vLLM) is simply never considered saturated.
        }
    }

    private async Task<IReadOnlyList<string>?> GetModelsAsync(string url, string? key, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, url.TrimEnd('/') + "/v1/models");
        if (key is not null)
        {
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var resp = await http.SendAsync(req, ct);
        if (!resp.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"/v1/models answered {(int)resp.StatusCode}");
        }

        await using var s = await resp.Content.ReadAsStreamAsync(ct);
        using var doc = await JsonDocument.ParseAsync(s, new JsonDocumentOptions { MaxDepth = 32 }, ct);
        var list = new List<string>();
        if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var m in data.EnumerateArray())
            {
                if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    list.Add(id.GetString()!);
                }
            }
        }

        return list;
    }

    [LoggerMessage(1, LogLevel.Warning, "Backend {Backend} is unreachable ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string backend, string error);
}

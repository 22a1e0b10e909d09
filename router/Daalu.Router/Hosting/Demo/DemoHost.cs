using System.Globalization;
using System.Text;
using System.Text.Json;
using Daalu.Contracts.RouterConfig;
using Daalu.Engine.Simulator.Server;
using Daalu.Engine.Simulator.Timing;
using Daalu.Gateway;
using Daalu.Router.Backends;
using Microsoft.Extensions.DependencyInjection;

namespace Daalu.Router.Hosting.Demo;

/// <summary>
/// `Daalu.Router demo`: starts, in this process, the simulated engines of <see cref="DemoSetup"/> (each a vLLM-like
/// server on its own 127.0.0.1 port), an external provider simulator, and the router over them with a fresh ledger.
/// </summary>
public static class DemoHost
{
    /// <summary>Starts everything; the router listens on <paramref name="urls"/>.</summary>
    public static async Task<RunningDemo> StartAsync(string urls, double timeScale = 1.0, string? dataDir = null, CancellationToken ct = default)
    {
        dataDir ??= Path.Combine(Path.GetTempPath(), "daalu-demo-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dataDir);
        var engines = new Dictionary<string, RunningSimulator>(StringComparer.Ordinal);
        var cards = new List<DemoCardExporter>();
        try
        {
            foreach (var e in DemoSetup.Engines)
            {
                engines[e.Name] = await SimulatorHost.StartAsync(new SimulatorOptions
                {
                    Model = e.Spec.DefaultModelId,
                    ServedModelName = e.ServedName,
                    Task = e.Embedding ? SimulatorTasks.Embed : SimulatorTasks.Generate,
                    Profile = EngineProfiles.Create(e.Gpu, e.Spec, e.GpuMemoryUtilization, e.MaxNumSeqs),
                    TimeScale = timeScale,
                }, ct: ct);
            }

            // The external provider: an OpenAI-compatible simulator with a key, fast as a large hosted fleet per call.
            engines["openai-sim"] = await SimulatorHost.StartAsync(new SimulatorOptions
            {
                Model = DemoSetup.ExternalModel,
                Profile = EngineProfiles.Create(GpuClass.Rtx6000Ada, ModelSpec.Qwen3B),
                TimeScale = timeScale,
                ApiKey = DemoSetup.ExternalKey,
                OwnedBy = "openai-sim",
            }, ct: ct);

            // One call per engine first, so the router's first probe does not meet a cold (not yet JIT-compiled) server.
            using (var warm = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            {
                foreach (var e in engines.Values)
                {
                    using var req = new HttpRequestMessage(HttpMethod.Get, e.BaseUrl + "/metrics");
                    using var _ = await warm.SendAsync(req, ct);
                }
            }

            // Each card's simulated dcgm-exporter reads the engines on it, so the console's hardware view moves with the traffic.
            var exporterUrls = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var card in DemoSetup.Cards)
            {
                var onCard = card.Select(e => engines[e.Name]).ToList();
                var gpu = card.First().Gpu;
                var fraction = card.Sum(e => e.GpuMemoryUtilization);
                var node = card.Key + "-node";
                var exporter = await DemoCardExporter.StartAsync(() => new DemoCard(gpu, node, fraction, onCard.Sum(s => s.Runner.Read(core => core.Running))), ct);
                cards.Add(exporter);
                exporterUrls[card.Key] = exporter.MetricsUrl;
            }

            var config = DemoSetup.Config(engines.ToDictionary(kv => kv.Key, kv => kv.Value.BaseUrl), engines["openai-sim"].BaseUrl + "/v1", exporterUrls);
            var configPath = Path.Combine(dataDir, "demo-router.json");
            await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(config, RouterConfigJsonContext.Default.RouterConfiguration), ct);
            var ledger = Path.Combine(dataDir, "demo-ledger.db");
            foreach (var f in Directory.GetFiles(dataDir, "demo-ledger.db*"))
            {
                File.Delete(f); // every demo starts with a fresh month
            }

            var router = await RouterHost.StartAsync(new RouterHostOptions
            {
                ConfigPath = configPath,
                Urls = urls,
                Gateway = new GatewayOptions { LedgerPath = ledger },
            }, ct);
            var monitor = router.Services.GetRequiredService<BackendMonitor>();
            await Task.WhenAny(monitor.FirstRound, Task.Delay(TimeSpan.FromSeconds(5), ct));
            return new RunningDemo(router, engines, dataDir, cards);
        }
        catch
        {
            foreach (var c in cards)
            {
                await c.DisposeAsync();
            }

            foreach (var e in engines.Values)
            {
                await e.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>What the demo prints at start: what runs, the keys, and the lines to try.</summary>
    public static string Banner(RunningDemo demo)
    {
        ArgumentNullException.ThrowIfNull(demo);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Daalu demo: the router on {demo.Router.BaseUrl}, over simulated vLLM engines (no GPU, no model, no network).");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  own GPU of demo-owner, RTX 2000 Ada 16 GB: {DemoSetup.GeneralModel} (general), {DemoSetup.CodingModel} (coding)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  hosted pool on demo-provider's shared RTX 6000 Ada 48 GB: {DemoSetup.GeneralModel}, {ModelSpec.BgeM3.DefaultModelId} (embeddings)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  external provider simulator openai-sim: {DemoSetup.ExternalModel} at OpenAI's list price, $0.40 in / $1.60 out per million tokens");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  keys: {DemoSetup.OwnerKey} (Owner, {DemoSetup.OwnerBudget:N0}-token monthly pool quota), {DemoSetup.ConsumerKey} (Consumer, {DemoSetup.ConsumerBudget} tokens), {DemoSetup.AdminKey} (admin)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  console (AI Factory, Billing): {demo.Router.BaseUrl}/console, log in with one of the keys above");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  config and ledger: {demo.DataDir}");
        sb.AppendLine();
        sb.AppendLine("Try (each response says where it ran in X-Daalu-Tier, X-Daalu-Model and X-Daalu-Route):");
        foreach (var step in demo.Steps)
        {
            sb.AppendLine();
            sb.AppendLine("# " + step.Title);
            sb.AppendLine(step.Command);
        }

        return sb.ToString();
    }
}

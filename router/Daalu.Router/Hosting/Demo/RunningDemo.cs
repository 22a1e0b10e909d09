using Daalu.Engine.Simulator.Server;

namespace Daalu.Router.Hosting.Demo;

/// <summary>A started demo: the router, the simulated engines behind it and their cards' simulated dcgm-exporters.</summary>
public sealed class RunningDemo(RunningRouter router, IReadOnlyDictionary<string, RunningSimulator> engines, string dataDir, IReadOnlyList<DemoCardExporter> cards) : IAsyncDisposable
{
    /// <summary>The router.</summary>
    public RunningRouter Router { get; } = router;

    /// <summary>Engines by backend name, plus "openai-sim".</summary>
    public IReadOnlyDictionary<string, RunningSimulator> Engines { get; } = engines;

    /// <summary>Directory holding the generated configuration and the ledger.</summary>
    public string DataDir { get; } = dataDir;

    /// <summary>The cards' simulated dcgm-exporters.</summary>
    public IReadOnlyList<DemoCardExporter> Cards { get; } = cards;

    /// <summary>The lines to try against this demo.</summary>
    public IReadOnlyList<DemoStep> Steps => DemoSetup.Steps(Router.BaseUrl);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        foreach (var e in Engines.Values)
        {
            await e.DisposeAsync();
        }

        foreach (var c in Cards)
        {
            await c.DisposeAsync();
        }
    }
}

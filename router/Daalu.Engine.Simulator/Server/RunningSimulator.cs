using Daalu.Engine.Simulator.Engine;
using Microsoft.AspNetCore.Builder;

namespace Daalu.Engine.Simulator.Server;

/// <summary>A started simulated engine: its base URL (http://127.0.0.1:port, no /v1) and its engine.</summary>
public sealed class RunningSimulator(WebApplication app, EngineRunner runner, SimulatorOptions options, string baseUrl) : IAsyncDisposable
{
    /// <summary>Base URL without a trailing slash.</summary>
    public string BaseUrl { get; } = baseUrl;

    /// <summary>The options it runs with.</summary>
    public SimulatorOptions Options { get; } = options;

    /// <summary>The engine loop (for reading state in tests).</summary>
    public EngineRunner Runner { get; } = runner;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        await Runner.DisposeAsync();
    }
}

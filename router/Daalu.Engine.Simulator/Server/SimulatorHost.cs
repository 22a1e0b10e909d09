using Daalu.Engine.Simulator.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daalu.Engine.Simulator.Server;

/// <summary>Starts a simulated engine as an HTTP server (the command, the demo and the tests use this).</summary>
public static class SimulatorHost
{
    /// <summary>Starts one engine on <paramref name="urls"/> (port 0 = a free port, see <see cref="RunningSimulator.BaseUrl"/>).</summary>
    public static async Task<RunningSimulator> StartAsync(SimulatorOptions options, string urls = "http://127.0.0.1:0", TimeProvider? time = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var runner = new EngineRunner(new EngineCore(options.Profile), time, options.TimeScale);
        app.MapSimulatorApi(options, runner, time);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningSimulator(app, runner, options, address.TrimEnd('/').Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }
}

using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Daalu.Router.Tests.Dialects;

/// <summary>Runs one of tests/js's client scripts against a router and returns its last output line as JSON.</summary>
public static class NodeScript
{
    public static string JsDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "tests", "js");
    }

    public static Task<JsonElement> RunAsync(string script, string routerUrl, string key, string model)
        => RunAsync(script, routerUrl, key, model, new Dictionary<string, string>());

    /// <summary>As above, with more environment variables for the script (such as ROUTER_FEATURE).</summary>
    public static async Task<JsonElement> RunAsync(string script, string routerUrl, string key, string model, IReadOnlyDictionary<string, string> environment)
    {
        var js = JsDir();
        var psi = new ProcessStartInfo("node", Path.Combine(js, script))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = js,
        };
        psi.Environment["ROUTER_URL"] = routerUrl;
        psi.Environment["ROUTER_KEY"] = key;
        psi.Environment["ROUTER_MODEL"] = model;
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await p.WaitForExitAsync(cts.Token);
        Assert.True(p.ExitCode == 0, $"node {script} exited {p.ExitCode}: {await stderr} {await stdout}");
        using var doc = JsonDocument.Parse((await stdout).Trim().Split('\n')[^1]);
        return doc.RootElement.Clone();
    }
}

using System.Diagnostics;
using System.Text.Json;
using Daalu.Router.Tests.Infrastructure;
using Xunit;

namespace Daalu.Router.Tests.Forwarding;

public sealed class OpenAINodeClientTests
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Daalu.Operator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [SkippableFact]
    public async Task OfficialOpenAIClient_PlainStreamingAndTools_WorkThroughRouter()
    {
        var js = Path.Combine(RepoRoot(), "tests", "js");
        Skip.IfNot(Directory.Exists(Path.Combine(js, "node_modules", "openai")), "tests/js/node_modules/openai is missing: run `npm ci --prefix tests/js`");

        await using var f = await CascadeFixture.StartAsync();
        var psi = new ProcessStartInfo("node", Path.Combine(js, "openai-e2e.mjs"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = js,
        };
        psi.Environment["ROUTER_URL"] = f.Host.Router.BaseUrl;
        psi.Environment["ROUTER_KEY"] = TestConfigs.KeyA;
        psi.Environment["ROUTER_MODEL"] = "m-general";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);

        Assert.True(p.ExitCode == 0, $"node exited {p.ExitCode}: {await stderr} {await stdout}");
        using var doc = JsonDocument.Parse((await stdout).Trim().Split('\n')[^1]);
        var r = doc.RootElement;
        Assert.Equal("OwnGpu", r.GetProperty("tier").GetString());
        Assert.Contains("answer from own", r.GetProperty("plainContent").GetString(), StringComparison.Ordinal);
        Assert.Equal("tok0 tok1 tok2 tok3 tok4 ", r.GetProperty("streamText").GetString());
        Assert.Equal("get_weather", r.GetProperty("toolName").GetString());
        Assert.Equal("tool_calls", r.GetProperty("toolFinish").GetString());
        Assert.Equal(404, r.GetProperty("errorStatus").GetInt32());
        // Five calls reached the model; the unknown-model call was refused by the router itself.
        Assert.Equal(5, f.Own.Calls.Count);
    }
}

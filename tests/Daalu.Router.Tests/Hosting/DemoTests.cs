using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Daalu.Router.Hosting.Demo;
using Xunit;
using Xunit.Abstractions;

namespace Daalu.Router.Tests.Hosting;

/// <summary>
/// Runs every "try this" line the demo prints, in order, with bash and curl against a demo on a free port, and checks
/// each does what its title says. Real time (the engines wait their modelled step times), about 15 s in all.
/// </summary>
public sealed partial class DemoTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Demo_EveryPrintedLine_DoesWhatItSays()
    {
        Skip.If(!OnPath("curl") || !OnPath("bash"), "curl or bash not installed; the demo's lines are curl commands (apt-get install curl)");
        var dir = Directory.CreateTempSubdirectory("daalu-demo-test-").FullName;
        var started = Stopwatch.StartNew();
        await using var demo = await DemoHost.StartAsync("http://127.0.0.1:0", dataDir: dir);
        var banner = DemoHost.Banner(demo);
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var step in demo.Steps)
        {
            Assert.Contains(step.Command, banner, StringComparison.Ordinal); // the test runs what is printed
            var externalBefore = ExternalPromptTokens(demo);
            var text = await RunAsync(step.Command);
            results[step.Id] = text;
            output.WriteLine($"[{started.Elapsed.TotalSeconds:0.0} s] {step.Id}: {text[..Math.Min(text.Length, 300)]}");
            if (step.Id == "coding-never-external")
            {
                Assert.Equal(externalBefore, ExternalPromptTokens(demo));
            }
        }

        Assert.Contains("200 tier=OwnGpu model=qwen2.5-7b-instruct", results["own-gpu"], StringComparison.Ordinal);
        Assert.Contains("[simulated]", results["own-gpu"], StringComparison.Ordinal);

        var counts = TierCount().Matches(results["burst"]).ToDictionary(m => m.Groups[2].Value, m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(24, counts.Values.Sum());
        Assert.True(counts.GetValueOrDefault("OwnGpu") >= DemoSetup.OwnMaxNumSeqs, results["burst"]);
        Assert.True(counts.GetValueOrDefault("Hosted") >= 1, results["burst"]);

        var tiers = results["quota"].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, tiers.Length);
        Assert.Equal("Hosted", tiers[0]);
        Assert.Equal("External", tiers[^1]);
        Assert.DoesNotContain("Hosted", tiers.SkipWhile(t => t == "Hosted"));

        Assert.Contains("200 tier=OwnGpu model=qwen2.5-coder-7b-instruct", results["coding-own"], StringComparison.Ordinal);

        Assert.Contains("503 route=", results["coding-never-external"], StringComparison.Ordinal);
        Assert.Contains("External:*=skipped(CodingNeverExternal)", results["coding-never-external"], StringComparison.Ordinal);

        var tool = JsonNode.Parse(results["tools"])!["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)tool["finish_reason"]);
        var call = tool["message"]!["tool_calls"]![0]!["function"]!;
        Assert.Equal("get_weather", (string?)call["name"]);
        Assert.NotNull(JsonNode.Parse((string)call["arguments"]!)!["city"]);

        Assert.Contains("200 tier=Hosted model=BAAI/bge-m3", results["embeddings"], StringComparison.Ordinal);

        var usage = JsonNode.Parse(results["usage"])!;
        var rows = usage["rows"]!.AsArray();
        Assert.Equal(["External", "Hosted", "OwnGpu"], rows.Select(r => (string)r!["tier"]!).Distinct().Order());
        Assert.Equal(rows.Sum(r => (decimal)r!["commercialEquivalent"]!), (decimal)usage["totals"]!["commercialEquivalent"]!);
        Assert.All(rows.Where(r => (string?)r!["tier"] == "OwnGpu"), r => Assert.Equal(100m, (decimal)r!["savingsPercent"]!));
        Assert.InRange((decimal)usage["totals"]!["savingsPercent"]!, 1m, 99.99m);
    }

    [Fact]
    public async Task Demo_ResponsesCall_SentToTheSimulatedCardInTheResponsesApiAsWritten()
    {
        var dir = Directory.CreateTempSubdirectory("daalu-demo-test-").FullName;
        await using var demo = await DemoHost.StartAsync("http://127.0.0.1:0", dataDir: dir);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DemoSetup.OwnerKey);
        var body = "{\"model\":\"" + DemoSetup.GeneralModel + "\",\"input\":\"What is the capital of France?\",\"max_output_tokens\":8}";

        using var explain = await http.PostAsync(demo.Router.BaseUrl + "/v1/route/explain?api=responses", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var first = JsonNode.Parse(await explain.Content.ReadAsStringAsync())!["candidates"]![0]!;
        using var resp = await http.PostAsync(demo.Router.BaseUrl + "/v1/responses", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var text = await resp.Content.ReadAsStringAsync();

        Assert.Equal("OwnGpu", (string?)first["tier"]);
        Assert.Equal("openai.responses", (string?)first["upstream_api"]);
        Assert.False((bool)first["translated"]!);
        Assert.True(resp.IsSuccessStatusCode, text);
        Assert.Equal("OwnGpu", string.Join(",", resp.Headers.GetValues("X-Daalu-Tier")));
        var r = JsonNode.Parse(text)!;
        Assert.Equal("response", (string?)r["object"]);
        Assert.StartsWith("[simulated]", (string?)r["output"]![0]!["content"]![0]!["text"], StringComparison.Ordinal);
        Assert.Equal(8, (int)r["usage"]!["output_tokens"]!);
        // The simulator's own response object: its id, and the store flag the router sets when it forwards natively.
        Assert.Matches("^resp_[0-9a-f]{32}$", (string?)r["id"]);
        Assert.False((bool)r["store"]!);
    }

    private static long ExternalPromptTokens(RunningDemo demo) =>
        demo.Engines["openai-sim"].Runner.Read(c => c.Stats.PromptTokens + c.Waiting + c.Running);

    private static async Task<string> RunAsync(string command)
    {
        var psi = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {await stderr}");
        return (await stdout).Trim();
    }

    private static bool OnPath(string exe) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, exe)));

    [GeneratedRegex(@"(\d+)\s+(OwnGpu|Hosted|External|none)")]
    private static partial Regex TierCount();
}

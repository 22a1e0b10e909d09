// Daalu.Bench.Operator: the driver of hack/bench/operator.sh. It starts the in-process Kubernetes API test server
// (tests/Daalu.KubeApiServer) with the CRDs, creates N Nodes with NVIDIA GPU labels, one GpuNode per Node and M
// ModelServings spread over them, then starts the real operator binary as a child process (pinned to its own CPU)
// and measures how long until every status has settled and stays quiet, how many API writes the operator made per
// object, and the operator's RSS and CPU. Prints a Markdown report (and writes it to --out when given).
//
//   Daalu.Bench.Operator --operator PATH [--crds crds] [--nodes 100] [--servings 1000] [--operator-cpu 1]
//                        [--quiet-s 3] [--timeout-s 120] [--cel false] [--server-gc true] [--out FILE]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Daalu.Bench.Operator;
using Daalu.KubeApiServer;
using k8s;
using k8s.Models;

BenchOptions o;
try
{
    o = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"operator bench: {e.Message}");
    return 2;
}

var work = Directory.CreateTempSubdirectory("daalu-bench-operator-");
try
{
    // The OpenAPI check of built-in objects runs a node process per write (about 1.5 ms a Deployment): the tests keep it,
    // the benchmark measures the operator, not the test server's schema checker, and stays comparable with earlier runs.
    using var server = KubeApiServer.FromCrdDirectory(o.Crds, new KubeApiServerOptions { EvaluateCelRules = o.Cel, GarbageCollection = o.ServerGc, CheckOpenApiSchemas = false });
    using var client = server.CreateClient("bench-driver");
    Log($"API test server at {server.BaseUrl}; creating {o.Nodes} Nodes, {o.Nodes} GpuNodes, {o.Servings} ModelServings");
    var setup = Stopwatch.StartNew();
    await Fixture.CreateAsync(client, o.Nodes, o.Servings);
    Log($"created in {setup.Elapsed.TotalSeconds:0.0} s");

    // The child gets a HOME of its own holding the test server's kubeconfig (and KUBECONFIG pointing at it), so it
    // can never reach a real cluster from the developer's own ~/.kube/config.
    var kubeconfig = Path.Combine(work.CreateSubdirectory(".kube").FullName, "config");
    await File.WriteAllTextAsync(kubeconfig, Fixture.Kubeconfig(server.BaseUrl, "operator"));
    server.ClearRequests();

    var psi = new ProcessStartInfo(o.OperatorCpu is { } cpu ? "taskset" : o.OperatorPath)
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    if (o.OperatorCpu is { } c)
    {
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(c.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(o.OperatorPath);
    }

    foreach (var a in new[] { "--leader-elect=false", "--metrics-port", FreePort().ToString(CultureInfo.InvariantCulture), "--probe-port", FreePort().ToString(CultureInfo.InvariantCulture) })
    {
        psi.ArgumentList.Add(a);
    }

    psi.Environment["KUBECONFIG"] = kubeconfig;
    psi.Environment["HOME"] = work.FullName;
    psi.Environment["POD_NAMESPACE"] = "daalu-system";
    var operatorLog = new StringBuilder();
    var started = Stopwatch.StartNew();
    using var op = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the operator");
    op.OutputDataReceived += (_, e) => { lock (operatorLog) { operatorLog.AppendLine(e.Data); } };
    op.ErrorDataReceived += (_, e) => { lock (operatorLog) { operatorLog.AppendLine(e.Data); } };
    op.BeginOutputReadLine();
    op.BeginErrorReadLine();
    Log($"operator started, pid {op.Id}");

    var watch = new SettleWatch(server, o.Nodes, o.Servings);
    double? allSettledAt = null;
    double lastWriteAt = 0;
    var lastWrites = 0;
    double? firstRequestAt = null;
    while (true)
    {
        await Task.Delay(50);
        var now = started.Elapsed.TotalSeconds;
        if (op.HasExited)
        {
            Log($"the operator exited with code {op.ExitCode}:\n{Tail(operatorLog, 30)}");
            return 1;
        }

        var requests = server.Requests;
        firstRequestAt ??= requests.Any(r => r.User == "operator") ? now : null;
        var writes = requests.Count(r => r.User == "operator" && r.IsWrite);
        if (writes != lastWrites)
        {
            lastWrites = writes;
            lastWriteAt = now;
        }

        var settled = watch.CountSettled();
        if (settled == o.Nodes + o.Servings)
        {
            allSettledAt ??= now;
            if (now - lastWriteAt >= o.QuietSeconds)
            {
                break;
            }
        }
        else
        {
            allSettledAt = null;
        }

        if (now > o.TimeoutSeconds)
        {
            Log($"timed out after {o.TimeoutSeconds} s with {settled} of {o.Nodes + o.Servings} settled");
            break;
        }
    }

    op.Refresh();
    var cpuSeconds = op.TotalProcessorTime.TotalSeconds;
    var peakRss = op.PeakWorkingSet64 / (1024.0 * 1024);
    var rss = op.WorkingSet64 / (1024.0 * 1024);
    var events = (await client.CoreV1.ListEventForAllNamespacesAsync()).Items
        .GroupBy(e => $"{e.InvolvedObject?.Kind} {e.Type} {e.Reason}")
        .Select(g => (g.Key, g.Sum(e => e.Count ?? 1)))
        .OrderBy(x => x.Key, StringComparer.Ordinal)
        .ToList();
    var report = Report.Render(o, server, watch, started.Elapsed.TotalSeconds, firstRequestAt, allSettledAt, lastWriteAt, cpuSeconds, rss, peakRss, events);
    Console.WriteLine(report);
    if (o.Out is not null)
    {
        await File.WriteAllTextAsync(o.Out, report);
    }

    op.Kill(entireProcessTree: true);
    await op.WaitForExitAsync();
    return allSettledAt is null ? 1 : 0;
}
finally
{
    work.Delete(recursive: true);
}

static void Log(string message) => Console.Error.WriteLine($"[operator bench {DateTime.UtcNow:HH:mm:ss}] {message}");

static string Tail(StringBuilder sb, int lines)
{
    lock (sb)
    {
        return string.Join('\n', sb.ToString().Split('\n').TakeLast(lines));
    }
}

static int FreePort()
{
    using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    l.Start();
    return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Daalu.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// One router as a separate OS process (<c>dotnet Daalu.Router.dll --config --urls --ledger [--redis ...]</c>, as
/// docs/router.md starts it), so that SIGKILL and SIGTERM hit a real process with its own SQLite ledger and outbox.
/// Its console output is kept for failure messages.
/// </summary>
public sealed class RouterProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly IReadOnlyList<string> _args;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process? _process;

    private RouterProcess(int port, string ledgerPath, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        Port = port;
        LedgerPath = ledgerPath;
        _args = args;
        _environment = environment ?? new Dictionary<string, string>();
    }

    /// <summary>The listen port (kept across restarts).</summary>
    public int Port { get; }

    /// <summary>The SQLite ledger file (the outbox is next to it).</summary>
    public string LedgerPath { get; }

    /// <summary>http://127.0.0.1:port.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The child's process id while it runs.</summary>
    public int Pid => _process?.Id ?? 0;

    /// <summary>Whether the child has exited.</summary>
    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>The exit code once exited.</summary>
    public int ExitCode => _process!.ExitCode;

    /// <summary>The built router dll next to this build's configuration (DAALU_ROUTER_DLL overrides).</summary>
    public static string RouterDll { get; } = FindRouterDll();

    /// <summary>Starts a router and waits until GET /readyz answers 200.</summary>
    public static async Task<RouterProcess> StartAsync(string configPath, string ledgerPath, string? redisUrl, IEnumerable<string>? extraArgs = null, HttpClient? probe = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var args = new List<string> { "--config", configPath, "--ledger", ledgerPath };
        if (redisUrl is not null)
        {
            args.AddRange(["--redis", redisUrl]);
        }

        args.AddRange(extraArgs ?? []);
        var router = new RouterProcess(Ports.Free(), ledgerPath, args, environment);
        try
        {
            await router.StartProcessAsync(probe);
        }
        catch
        {
            await router.DisposeAsync();
            throw;
        }

        return router;
    }

    /// <summary>Starts the process again with the same port, config and ledger (after a kill or stop).</summary>
    public async Task StartProcessAsync(HttpClient? probe = null)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(RouterDll);
        foreach (var a in _args)
        {
            info.ArgumentList.Add(a);
        }

        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(BaseUrl);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Daalu"] = "Warning";
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        // The runtime settings the router is deployed with (Dockerfile, config/router/deployment.yaml), so the fault
        // and replica tests run it as production does: with socket completions inline on the socket engine's thread.
        info.Environment["DOTNET_TC_CallCountingDelayMs"] = "0";
        info.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        info.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1";
        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }
        _process?.Dispose();
        _process = Process.Start(info) ?? throw new InvalidOperationException("the router process did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var own = probe is null ? new HttpClient() : null;
        var client = probe ?? own!;
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"router exited with {_process.ExitCode} before it was ready:\n{Output()}");
            }

            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var resp = await client.GetAsync(new Uri(BaseUrl + "/readyz"), cts.Token);
                if ((int)resp.StatusCode == 200)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"router on {BaseUrl} not ready within 45 s:\n{Output()}");
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
    }

    /// <summary>SIGTERM (graceful shutdown, as in a rolling update) and wait for the exit.</summary>
    public async Task TerminateAsync(TimeSpan wait)
    {
        if (_process is { HasExited: false })
        {
            Signals.Send(_process.Id, "TERM");
            await _process.WaitForExitAsync().WaitAsync(wait);
        }
    }

    /// <summary>The last lines the child printed (for failure messages).</summary>
    public string Output() => string.Join('\n', _output.TakeLast(60));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
            }
        }

        _process?.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 400)
        {
            _output.TryDequeue(out _);
        }
    }

    private static string FindRouterDll()
    {
        if (Environment.GetEnvironmentVariable("DAALU_ROUTER_DLL") is { Length: > 0 } env)
        {
            return env;
        }

        var configuration = typeof(RouterProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var tfm = "net" + Environment.Version.ToString(2);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "router", "Daalu.Router", "bin", configuration, tfm, "Daalu.Router.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"router/Daalu.Router/bin/{configuration}/{tfm}/Daalu.Router.dll not found above {AppContext.BaseDirectory}; build tests/Daalu.Gateway.FunctionalTests (it references the router) or set DAALU_ROUTER_DLL");
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"router pid {Pid} on {BaseUrl}");
}

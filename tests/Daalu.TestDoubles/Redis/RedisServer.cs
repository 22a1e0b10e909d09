using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Daalu.TestDoubles.Redis;

/// <summary>
/// A real redis-server process on 127.0.0.1 and a free port, with an append-only file in a scratch directory so
/// that a restart keeps the data (as production Redis for the gateway must). Can be paused (SIGSTOP), resumed
/// (SIGCONT), stopped and started again on the same port. Not a double: the real server, shared by the gateway's
/// unit tests and the multi-process functional tests.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("daalu-redis-");
    private Process? _process;

    private RedisServer(int port) => Port = port;

    /// <summary>Full path of redis-server, or null when it is not installed.</summary>
    public static string? Executable { get; } = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server" }
        .FirstOrDefault(File.Exists);

    public const string MissingReason = "redis-server is not installed (apt-get install -y redis-server)";

    public int Port { get; }

    public string Url => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort());
        await server.StartProcessAsync();
        return server;
    }

    public async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo(Executable ?? throw new InvalidOperationException(MissingReason))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", _dir.FullName, "--save", "", "--appendonly", "yes", "--appendfsync", "always",
            "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning",
        })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}");
            }

            if (await PingAsync())
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("redis-server did not answer PING within 10 s");
    }

    public void Pause() => Signal("-STOP");

    public void Resume() => Signal("-CONT");

    /// <summary>Stops the server with SIGTERM (the append-only file is flushed) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            Signal("-TERM");
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            Signal("-CONT");
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
            // redis-server may still be closing its append-only file; the temp directory is scratch.
        }
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var read = await stream.ReadAsync(buffer, cts.Token);
            return read >= 5 && buffer[0] == (byte)'+';
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Daalu.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// A real redis-server process on 127.0.0.1 and a free port (no persistence: each test gets a fresh server). It can be
/// paused with SIGSTOP and resumed with SIGCONT, which is what a stalled Redis looks like to its clients.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly string _dir;
    private readonly Process _process;

    private RedisProcess(int port, string dir, Process process)
    {
        Port = port;
        _dir = dir;
        _process = process;
    }

    /// <summary>Full path of redis-server, or null when it is not installed.</summary>
    public static string? Executable { get; } = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server" }.FirstOrDefault(File.Exists);

    /// <summary>The one-line skip reason when redis-server is absent.</summary>
    public const string MissingReason = "redis-server is not installed (apt-get install -y redis-server)";

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string.</summary>
    public string Url => $"127.0.0.1:{Port}";

    /// <summary>Starts a server and waits until it answers PING.</summary>
    public static async Task<RedisProcess> StartAsync()
    {
        var port = Ports.Free();
        var dir = Directory.CreateTempSubdirectory("daalu-redis-").FullName;
        var info = new ProcessStartInfo(Executable ?? throw new InvalidOperationException(MissingReason))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", dir, "--save", "",
            "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisProcess(port, dir, process);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {process.ExitCode}");
            }

            if (await server.PingAsync())
            {
                return server;
            }

            await Task.Delay(25);
        }

        await server.DisposeAsync();
        throw new TimeoutException("redis-server did not answer PING within 10 s");
    }

    /// <summary>SIGSTOP: the socket stays open, nothing is answered.</summary>
    public void Pause() => Signals.Send(_process.Id, "STOP");

    /// <summary>SIGCONT.</summary>
    public void Resume() => Signals.Send(_process.Id, "CONT");

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, "CONT");
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
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
}

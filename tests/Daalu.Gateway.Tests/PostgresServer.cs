using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Daalu.Gateway.Tests;

/// <summary>
/// A throwaway real PostgreSQL server (Debian's postgresql 15 binaries): initdb into a scratch directory, pg_ctl start on
/// 127.0.0.1 and a free port, trust authentication for the user "daalu". PostgreSQL refuses to run as root ("root"
/// execution of the PostgreSQL server is not permitted", src/backend/main/main.c), and these tests run as root here and
/// in CI, so as root every server command runs through <c>runuser -u postgres</c> (or <c>nobody</c>) with the directory
/// owned by that user. fsync is off: the tests stop and restart the server cleanly or kill it on purpose, and speed
/// matters more than surviving a power cut. Not a double: the real server.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _dir;
    private readonly string? _runAs;

    private PostgresServer(string dir, int port, string? runAs)
    {
        _dir = dir;
        Port = port;
        _runAs = runAs;
    }

    /// <summary>Directory of initdb/pg_ctl/postgres, or null when PostgreSQL is not installed.</summary>
    public static string? BinDirectory { get; } = FindBin();

    /// <summary>Null when a server can be started here, else the one-line reason the tests print when they skip.</summary>
    public static string? SkipReason { get; } = FindSkipReason();

    /// <summary>The listen port.</summary>
    public int Port { get; }

    /// <summary>An Npgsql connection string for the database "postgres" as user daalu.</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=daalu;Database=postgres;Timeout=3;Command Timeout=10;Include Error Detail=true";

    /// <summary>Creates an empty database and returns its connection string (tests sharing one server stay apart).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new Npgsql.NpgsqlConnection(ConnectionString + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString.Replace("Database=postgres", "Database=" + name, StringComparison.Ordinal);
    }

    /// <summary>initdb and start a new server.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        if (SkipReason is not null)
        {
            throw new InvalidOperationException(SkipReason);
        }

        var dir = Path.Combine("/tmp", "daalu-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        var runAs = Environment.UserName == "root" ? RunAsUser() : null;
        var server = new PostgresServer(dir, FreePort(), runAs);
        if (runAs is not null)
        {
            await RunAsync("chown", ["-R", runAs, dir]);
        }

        await server.PgAsync("initdb", ["-D", server.Data, "-A", "trust", "-U", "daalu", "--locale=C", "-E", "UTF8", "--no-sync"]);
        await server.StartProcessAsync();
        return server;
    }

    private string Data => Path.Combine(_dir, "data");

    /// <summary>Starts the server (again) on the same port and data directory and waits until it accepts connections.</summary>
    public Task StartProcessAsync() => PgAsync("pg_ctl", ["-D", Data, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "30", "-o",
        $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200",
        "start"]);

    /// <summary>Stops the server: fast (clean, closes every session) or immediate (like a crash).</summary>
    public Task StopAsync(bool immediate = false) => PgAsync("pg_ctl", ["-D", Data, "-w", "-m", immediate ? "immediate" : "fast", "stop"]);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(immediate: true);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task PgAsync(string tool, IReadOnlyList<string> args)
    {
        var path = Path.Combine(BinDirectory!, tool);
        return _runAs is null ? RunAsync(path, args) : RunAsync("runuser", ["-u", _runAs, "--", path, .. args]);
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/tmp" };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static string? FindBin()
    {
        var candidates = new List<string> { "/usr/lib/postgresql/15/bin" };
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal).Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static string? RunAsUser()
    {
        var users = File.Exists("/etc/passwd") ? File.ReadAllLines("/etc/passwd").Select(l => l.Split(':')[0]).ToHashSet(StringComparer.Ordinal) : [];
        return users.Contains("postgres") ? "postgres" : users.Contains("nobody") ? "nobody" : null;
    }

    private static string? FindSkipReason()
    {
        if (BinDirectory is null)
        {
            return "PostgreSQL is not installed (apt-get install -y postgresql; expected /usr/lib/postgresql/15/bin)";
        }

        if (Environment.UserName == "root" && (RunAsUser() is null || !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser") && !File.Exists("/usr/bin/runuser")))
        {
            return "running as root without a non-root user (postgres or nobody) and runuser: PostgreSQL refuses to run as root";
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

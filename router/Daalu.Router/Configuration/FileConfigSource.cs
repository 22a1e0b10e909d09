using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Daalu.Router.Configuration;

/// <summary>
/// Holds the snapshot loaded from a file and reloads it when the file changes (a FileSystemWatcher on the directory,
/// which also sees ConfigMap symlink swaps, plus a slow poll as a safety net). A poll or an event only loads when the
/// file's bytes or a secret it refers to changed. An invalid file is logged and ignored; the last good snapshot stays
/// in force.
/// </summary>
internal sealed partial class FileConfigSource : BackgroundService, IRouterConfigSource
{
    private readonly string _path;
    private readonly TenantAuthenticatorFactory _factory;
    private readonly ILogger<FileConfigSource> _log;
    private readonly TimeSpan _poll;
    private readonly SemaphoreSlim _signal = new(0);
    private RouterSnapshot _current;
    private string? _lastRejected;
    private string? _inputs; // RouterConfigLoader.InputsFingerprint at the last accepted load attempt

    public FileConfigSource(string path, RouterSnapshot initial, TenantAuthenticatorFactory factory, ILogger<FileConfigSource> log, TimeSpan poll)
    {
        _path = Path.GetFullPath(path);
        _current = initial;
        _factory = factory;
        _log = log;
        _poll = poll;
    }

    public RouterSnapshot Current => Volatile.Read(ref _current);

    public event Action<RouterSnapshot>? Changed;

    /// <summary>Raised with the reason when a changed file was refused.</summary>
    public event Action<string>? Rejected;

    /// <summary>Why the last changed file was refused, while no later file has loaded; null otherwise.</summary>
    public string? LastRefused => Volatile.Read(ref _lastRejected);

    /// <summary>Reloads now; returns false (keeping the last good snapshot) when the file is invalid.</summary>
    public bool TryReload()
    {
        // Nothing a load reads has changed: skip the load. After a rejection every attempt loads, because the refused
        // file may refer to secrets the fingerprint of the current snapshot does not cover (a key file still missing).
        var inputs = RouterConfigLoader.InputsFingerprint(_path, Current.Config);
        if (_lastRejected is null && inputs == _inputs)
        {
            return true;
        }

        _inputs = inputs;
        RouterSnapshot next;
        try
        {
            next = RouterConfigLoader.Load(_path, _factory);
        }
        catch (ConfigLoadException ex)
        {
            // The slow poll re-reads an unchanged bad file; report each distinct problem once, not every interval.
            if (ex.Message == _lastRejected)
            {
                return false;
            }

            _lastRejected = ex.Message;
            LogRejected(_log, _path, ex.Message);
            Rejected?.Invoke(ex.Message);
            return false;
        }

        _lastRejected = null;

        if (next.Hash == Current.Hash && next.SecretsFingerprint == Current.SecretsFingerprint)
        {
            return true;
        }

        Volatile.Write(ref _current, next);
        LogReloaded(_log, _path, next.Hash);
        Changed?.Invoke(next);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        void Poke(object? s, FileSystemEventArgs e)
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }

        watcher.Changed += Poke;
        watcher.Created += Poke;
        watcher.Renamed += (s, e) => Poke(s, e);
        watcher.EnableRaisingEvents = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(_poll, stoppingToken);
                // Editors and kubelet write in several steps; let the burst settle before reading.
                await Task.Delay(50, stoppingToken);
                while (_signal.CurrentCount > 0)
                {
                    await _signal.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            TryReload();
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    [LoggerMessage(1, LogLevel.Warning, "Configuration {Path} was rejected; keeping the last good configuration. {Reason}")]
    private static partial void LogRejected(ILogger logger, string path, string reason);

    [LoggerMessage(2, LogLevel.Information, "Configuration {Path} reloaded (hash {Hash})")]
    private static partial void LogReloaded(ILogger logger, string path, string hash);
}

using System.Threading.Channels;
using k8s;

namespace Daalu.KubeApiServer.Tests;

/// <summary>Drains a client watch in the background so tests can await the next event with a timeout.</summary>
public sealed class WatchCollector<T> : IAsyncDisposable
{
    private readonly Channel<(WatchEventType Type, T Object)> _events = Channel.CreateUnbounded<(WatchEventType, T)>();
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _pump;

    private readonly List<Exception> _reported = [];

    /// <param name="start">Starts the watch; gets the onError callback (where KubernetesClient reports ERROR events) and the cancellation token.</param>
    public WatchCollector(Func<Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> start)
    {
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in start(Report, _cts.Token))
                {
                    await _events.Writer.WriteAsync(e);
                }

                _events.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                Error = ex;
                _events.Writer.TryComplete(ex is OperationCanceledException ? null : ex);
            }
        });
    }

    /// <summary>A transport failure that ended the enumeration.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Exceptions the client reported through onError (ERROR events arrive here as KubernetesException).</summary>
    public IReadOnlyList<Exception> Reported
    {
        get
        {
            lock (_reported)
            {
                return _reported.ToList();
            }
        }
    }

    private void Report(Exception e)
    {
        lock (_reported)
        {
            _reported.Add(e);
        }
    }

    public Task Completion => _pump;

    /// <summary>The next event, or throws TimeoutException.</summary>
    public async Task<(WatchEventType Type, T Object)> Next(double seconds = 5)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            return await _events.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no watch event within " + seconds + "s");
        }
    }

    /// <summary>The next event that is not a BOOKMARK.</summary>
    public async Task<(WatchEventType Type, T Object)> NextChange(double seconds = 5)
    {
        while (true)
        {
            var e = await Next(seconds);
            if (e.Type != WatchEventType.Bookmark)
            {
                return e;
            }
        }
    }

    /// <summary>True when nothing arrives within the window.</summary>
    public async Task<bool> QuietFor(double seconds)
    {
        try
        {
            await Next(seconds);
            return false;
        }
        catch (TimeoutException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
        }

        _cts.Dispose();
    }
}

using System.Collections.Concurrent;
using Daalu.Router.Planning;

namespace Daalu.Router.Backends;

/// <summary>Live state per backend/provider name, shared by the monitor, the planner and the forwarder.</summary>
public sealed class BackendRegistry(TimeProvider time) : LoadBalancing.IBackendLoadCounter
{
    private readonly ConcurrentDictionary<string, BackendRuntime> _all = new(StringComparer.Ordinal);

    /// <summary>The runtime for <paramref name="name"/>, created on first use.</summary>
    public BackendRuntime Get(string name) => _all.GetOrAdd(name, n => new BackendRuntime(n, time));

    /// <summary>The planner's view of <paramref name="name"/>.</summary>
    public BackendView View(string name) => _all.TryGetValue(name, out var r) ? r.View() : BackendView.Unknown(name);

    /// <summary>Every runtime known.</summary>
    public IEnumerable<BackendRuntime> All => _all.Values;

    /// <inheritdoc/>
    public IDisposable Track(string backend, long expectedTokens, long promptTokens, LoadBalancing.PrefixKey? key)
    {
        var rt = Get(backend);
        rt.Enter();
        return new Tracked(rt, rt.Load.Enter(expectedTokens, promptTokens, key));
    }

    // Counts the call out the way the cascade's attempt does (BackendRuntime.Exit and LoadTracker.Exit), once.
    private sealed class Tracked(BackendRuntime rt, LoadBalancing.LoadTicket ticket) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                rt.Exit();
                rt.Load.Exit(ticket);
            }
        }
    }
}

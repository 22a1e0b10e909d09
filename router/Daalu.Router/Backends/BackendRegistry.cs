using System.Collections.Concurrent;
using Daalu.Router.Planning;

namespace Daalu.Router.Backends;

/// <summary>Live state per backend/provider name, shared by the monitor, the planner and the forwarder.</summary>
public sealed class BackendRegistry(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, BackendRuntime> _all = new(StringComparer.Ordinal);

    /// <summary>The runtime for <paramref name="name"/>, created on first use.</summary>
    public BackendRuntime Get(string name) => _all.GetOrAdd(name, n => new BackendRuntime(n, time));

    /// <summary>The planner's view of <paramref name="name"/>.</summary>
    public BackendView View(string name) => _all.TryGetValue(name, out var r) ? r.View() : BackendView.Unknown(name);

    /// <summary>Every runtime known.</summary>
    public IEnumerable<BackendRuntime> All => _all.Values;
}

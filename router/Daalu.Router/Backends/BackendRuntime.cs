using Daalu.Router.Planning;

namespace Daalu.Router.Backends;

/// <summary>Live state of one backend or provider; survives configuration reloads (keyed by name).</summary>
public sealed class BackendRuntime(string name, TimeProvider time)
{
    private int _inFlight;
    private volatile IReadOnlyList<string>? _models;
    private double _kv = double.NaN;
    private double _waiting = double.NaN;

    /// <summary>Name.</summary>
    public string Name { get; } = name;

    /// <summary>The breaker.</summary>
    public CircuitBreaker Breaker { get; } = new(time);

    /// <summary>Whether the last probe reached it.</summary>
    public bool? Reachable { get; internal set; }

    /// <summary>The real-time load view (calls and tokens in flight, polled gauges, recent TTFT).</summary>
    public LoadBalancing.LoadTracker Load { get; } = new(time);

    /// <summary>Calls in flight.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts a call in.</summary>
    public void Enter() => Interlocked.Increment(ref _inFlight);

    /// <summary>Counts a call out.</summary>
    public void Exit() => Interlocked.Decrement(ref _inFlight);

    internal void SetModels(IReadOnlyList<string>? models) => _models = models;

    internal void SetSaturation(double? kv, double? waiting)
    {
        Volatile.Write(ref _kv, kv ?? double.NaN);
        Volatile.Write(ref _waiting, waiting ?? double.NaN);
    }

    /// <summary>A copy for the planner.</summary>
    public BackendView View()
    {
        var kv = Volatile.Read(ref _kv);
        var w = Volatile.Read(ref _waiting);
        return new BackendView(Name, Breaker.State, _models, double.IsNaN(kv) ? null : kv, double.IsNaN(w) ? null : w, InFlight, Reachable, Load.Estimate());
    }
}

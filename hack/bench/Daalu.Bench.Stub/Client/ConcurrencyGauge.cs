namespace Daalu.Bench.Stub.Client;

/// <summary>How many streams are between their first token and their end, and the most there ever were at once.</summary>
internal sealed class ConcurrencyGauge
{
    private int _now;
    private int _peak;

    public int Peak => Volatile.Read(ref _peak);

    public void Enter()
    {
        var now = Interlocked.Increment(ref _now);
        int seen;
        while (now > (seen = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }

    public void Exit() => Interlocked.Decrement(ref _now);
}

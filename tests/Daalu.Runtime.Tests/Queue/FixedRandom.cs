namespace Daalu.Runtime.Tests.Queue;

/// <summary>A random source that returns a fixed sample, so jitter is deterministic in tests.</summary>
internal sealed class FixedRandom(double sample) : Random
{
    public override double NextDouble() => sample;

    protected override double Sample() => sample;
}

namespace Daalu.Router.LoadBalancing;

/// <summary>One observed time to first token.</summary>
/// <param name="At">When the first token arrived.</param>
/// <param name="Ms">Milliseconds from sending the request upstream to its first token.</param>
public readonly record struct TtftSample(DateTimeOffset At, double Ms);

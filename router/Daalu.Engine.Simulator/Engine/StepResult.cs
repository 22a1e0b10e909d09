namespace Daalu.Engine.Simulator.Engine;

/// <summary>What one scheduler step did: how long it took, and the sequences that got a token or finished.</summary>
public sealed record StepResult(TimeSpan Duration, int DecodingSequences, int PrefillTokens, IReadOnlyList<SimSequence> Emitted, IReadOnlyList<SimSequence> Finished, int Preempted);

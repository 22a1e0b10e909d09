namespace Daalu.Gateway.Abstractions;

/// <summary>
/// What the router's record of a call (<see cref="CallRecord"/>) and its priced ledger row
/// (<c>Metering.PricedCall</c>) both say about it: which call and attempt, where it ran, for whom, how many tokens and how
/// long. No prompt or completion text, ever. The property names are part of the outbox format (PricedCall's JSON).
/// </summary>
public abstract record CallFacts
{
    /// <summary>X-Request-Id of the client call.</summary>
    public required string RequestId { get; init; }

    /// <summary>1-based attempt number within the call's cascade.</summary>
    public required int Attempt { get; init; }

    /// <summary>The calling tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>OwnGpu, Hosted or External.</summary>
    public required string Tier { get; init; }

    /// <summary>Backend or provider name.</summary>
    public required string Backend { get; init; }

    /// <summary>The model that ran.</summary>
    public required string Model { get; init; }

    /// <summary>chat, agent, classifier or coding.</summary>
    public required string RequestClass { get; init; }

    /// <summary>Prompt tokens.</summary>
    public required long TokensIn { get; init; }

    /// <summary>Completion tokens.</summary>
    public required long TokensOut { get; init; }

    /// <summary>True when the upstream reported no usage and the counts are an estimate.</summary>
    public bool Estimated { get; init; }

    /// <summary>True when a stream ended early (client cancel or upstream failure) and partial usage is billed.</summary>
    public bool Partial { get; init; }

    /// <summary>Time to first token in milliseconds.</summary>
    public double TtftMs { get; init; }

    /// <summary>Total latency in milliseconds.</summary>
    public double LatencyMs { get; init; }
}

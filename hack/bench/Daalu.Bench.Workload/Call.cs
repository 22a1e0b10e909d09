using Daalu.Router.LoadBalancing;

namespace Daalu.Bench.Workload;

/// <summary>One call through the router.</summary>
internal sealed class Call
{
    public required List<int> Prompt { get; init; }
    public required int Output { get; init; }
    public int MaxTokens { get; init; } = 1024;
    public PrefixKey? Key { get; init; }
    public bool Measured { get; set; }
    public Action<Call>? OnFinished { get; init; }
    public TimeSpan Arrival { get; set; }
    public Replica? Replica { get; set; }
    public long Tokens { get; set; }
    public LoadTicket? Ticket { get; set; }
    public TimeSpan? FirstToken { get; set; }
    public TimeSpan? Finished { get; set; }
    public int Generated { get; set; }
    public int CachedTokens { get; set; }
    public bool Overflow { get; set; }

    /// <summary>Trace: how much more pick load the chosen replica had than the least loaded of its tier when picked.</summary>
    public double PickExcess { get; set; }

    /// <summary>Trace: calls on the chosen replica still waiting for their first token when this one was sent.</summary>
    public int PrefillsAhead { get; set; }

    /// <summary>Trace: what the picker weighed for each replica of the tier (LoadAndPrefix with the prefill view).</summary>
    public string? PickTrace { get; set; }

    /// <summary>Trace: the fewest calls waiting for their first token on any replica of the chosen tier when picked.</summary>
    public int FewestPrefillsAhead { get; set; }
}

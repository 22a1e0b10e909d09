using Daalu.Contracts;
using Daalu.Contracts.RouterConfig;

namespace Daalu.Gateway.FunctionalTests.Infrastructure;

/// <summary>How a <see cref="RouterCluster"/> is set up.</summary>
public sealed class ClusterOptions
{
    /// <summary>Router processes to start.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The hosted plan of tenant team-a.</summary>
    public TenantPlanConfig Plan { get; init; } = new() { MonthlyTokenBudget = 10_000_000, DefaultMaxTokens = 64, InputPerMTok = 0.2m, OutputPerMTok = 0.6m, ReferenceInputPerMTok = 2.5m, ReferenceOutputPerMTok = 10m };

    /// <summary>Policy tiers in order.</summary>
    public List<string> Tiers { get; init; } = [TierNames.Hosted, TierNames.External];

    /// <summary>Also configure team-a's own GPU backend (own-a).</summary>
    public bool OwnGpu { get; init; }

    /// <summary>Extra router command-line arguments (e.g. --redis-failure-mode FailOpen).</summary>
    public IReadOnlyList<string> RouterArgs { get; init; } = [];

    /// <summary>Extra arguments per replica index (after <see cref="RouterArgs"/>).</summary>
    public IReadOnlyList<IReadOnlyList<string>> PerReplicaArgs { get; init; } = [];

    /// <summary>First-byte timeout and stream idle timeout of the policy.</summary>
    public int UpstreamTimeoutMs { get; init; } = 5000;

    /// <summary>Extra environment variables for every router process (e.g. OTEL_EXPORTER_OTLP_ENDPOINT).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Start a throwaway PostgreSQL and give every router the shared ledger there (DAALU_POSTGRES_CONNECTION_STRING).</summary>
    public bool Postgres { get; init; }

    /// <summary>The hosted backend pool-1 is a card tenant team-b contributes (shared, 60 % revenue share): calls on it earn credits.</summary>
    public bool SharedPool { get; init; }
}

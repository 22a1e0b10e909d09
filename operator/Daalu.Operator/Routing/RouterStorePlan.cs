namespace Daalu.Operator.Routing;

/// <summary>
/// Where the router keeps its books, decided from the settings (pure, <see cref="Decide"/>). Several replicas need both
/// shared stores: Redis for the quota counters (each replica would otherwise admit against its own budget) and
/// PostgreSQL for the ledger (each replica would otherwise answer its own usage, credits and TenantQuota status). Without
/// them the operator runs one replica and says why in the RoutingPolicy condition <see cref="RoutingReasons.RouterReplicasCondition"/>.
/// Without a shared ledger the one replica's SQLite ledger lives on a PersistentVolumeClaim, so a rollout does not start
/// the month again from zero; the Deployment then uses the Recreate strategy, because the old pod holds the outbox
/// lock (and a ReadWriteOnce volume) until it exits.
/// With the shared PostgreSQL ledger the router runs as a StatefulSet instead (<see cref="ReplicaClaims"/>): each
/// replica's outbox (the records not yet in PostgreSQL) is on its own claim from a volumeClaimTemplate, so a pod
/// deleted while PostgreSQL is down (a rollout during an outage) comes back under the same ordinal on the same claim
/// and flushes it. The SQLite mode stays a Deployment on one named claim: a StatefulSet would name its claim
/// <c>&lt;template&gt;-&lt;set&gt;-0</c>, so the claim that holds an existing installation's books could not be kept,
/// and with one replica Recreate on one claim already is what a one-pod StatefulSet would do.
/// </summary>
/// <param name="Replicas">Replicas the Deployment or StatefulSet runs.</param>
/// <param name="LedgerOnClaim">The SQLite ledger is on the claim <see cref="RoutingSettings.LedgerClaimName"/> (a Deployment); else the ledger is PostgreSQL and each replica's outbox is on its own claim (a StatefulSet).</param>
/// <param name="Refused">Null when the requested replicas run; else why only one does.</param>
public sealed record RouterStorePlan(int Replicas, bool LedgerOnClaim, string? Refused)
{
    /// <summary>The router is a StatefulSet whose every replica keeps its outbox on its own claim (PostgreSQL mode).</summary>
    public bool ReplicaClaims => !LedgerOnClaim;

    /// <summary>The plan for <paramref name="settings"/>.</summary>
    public static RouterStorePlan Decide(RoutingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var counters = !string.IsNullOrEmpty(settings.RedisUrl) || !string.IsNullOrEmpty(settings.RedisSecretName);
        var ledger = !string.IsNullOrEmpty(settings.PostgresSecretName);
        if (settings.Replicas <= 1 || (counters && ledger))
        {
            return new RouterStorePlan(Math.Max(1, settings.Replicas), !ledger, null);
        }

        var missing = new List<string>();
        if (!counters)
        {
            missing.Add($"Redis for the quota counters ({RoutingEnvironment.RedisVariable} or {RoutingEnvironment.RedisSecretVariable})");
        }

        if (!ledger)
        {
            missing.Add($"PostgreSQL for the ledger ({RoutingEnvironment.PostgresSecretVariable})");
        }

        return new RouterStorePlan(1, !ledger, $"{settings.Replicas} router replicas were asked for, but {string.Join(" and ", missing)} "
            + "is not configured: each replica would keep its own books. Running 1 replica until it is.");
    }
}

namespace Daalu.Gateway;

/// <summary>What the Redis quota gate does when Redis is slow, down or the circuit is open.</summary>
public enum RedisFailureMode
{
    /// <summary>Refuse hosted admission with reason QuotaStoreUnavailable (the router falls through). Never overspends.</summary>
    FailClosed = 0,

    /// <summary>Admit without a shared reservation (unmetered against the quota; the ledger still records the call).</summary>
    FailOpen = 1,
}

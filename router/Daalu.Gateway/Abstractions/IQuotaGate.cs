namespace Daalu.Gateway.Abstractions;

/// <summary>
/// Hosted-tier admission: one atomic reservation against the monthly budget and the per-minute limits,
/// settled to actual usage on completion and released on every other exit path (cancellation included).
/// Implementations: in-process (one replica) and Redis (several replicas).
/// </summary>
public interface IQuotaGate
{
    /// <summary>Reserves <paramref name="tokens"/> for one call, or refuses with a reason.</summary>
    ValueTask<Admission> ReserveAsync(TenantPlan plan, long tokens, CancellationToken cancellationToken);

    /// <summary>Turns a reservation into spend of <paramref name="actualTokens"/>. Idempotent per reservation.</summary>
    ValueTask SettleAsync(Reservation reservation, long actualTokens, CancellationToken cancellationToken);

    /// <summary>Returns a reservation unused. Idempotent per reservation; safe after Settle (no effect).</summary>
    ValueTask ReleaseAsync(Reservation reservation, CancellationToken cancellationToken);
}

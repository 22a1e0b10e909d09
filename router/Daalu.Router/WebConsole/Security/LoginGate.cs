using System.Net;

namespace Daalu.Router.WebConsole.Security;

/// <summary>
/// The console login's throttle across replicas. Each replica always keeps its own <see cref="LoginThrottle"/> (every
/// failure it sees is recorded there); with Redis configured, an attempt this replica lets through is also counted in
/// the shared counter first, which refuses once the address's or key prefix's bucket holds the limit on any replica.
/// A good key takes its count back, so only failures stay counted, as in the replica's own throttle.
/// Redis unreachable (error, timeout, breaker open): fail open to the replica's own throttle, never to no throttle;
/// N replicas then allow at most N times the limit. Failing closed would be stricter in a full outage, where it would
/// cost nothing (the Redis session store cannot make a session then either, so no one logs in) and would hide the
/// 401-for-a-wrong-key vs 503-for-a-good-one difference from a guesser; it was not chosen because it also refuses
/// every login on a blip (one timed-out call) and for the breaker's open period after Redis is back. Failures a
/// replica saw while Redis was up are in its own throttle too, so an attack does not start from zero when Redis goes.
/// </summary>
internal sealed class LoginGate(LoginThrottle local, ISharedLoginCounter? shared, ConsoleOptions options, TimeProvider time)
{
    /// <summary>
    /// The wait that applies: the shared counter's when it answered (or the replica's own, if longer: it holds failures
    /// Redis may have lost), the replica's own when the shared counter could not be asked (null).
    /// </summary>
    public static TimeSpan Decide(TimeSpan localWait, TimeSpan? sharedWait) =>
        sharedWait is { } s && s > localWait ? s : localWait;

    /// <summary>Starts a login attempt: zero <see cref="LoginAttempt.Wait"/> = check the key, else answer 429 with it.</summary>
    public async Task<LoginAttempt> BeginAsync(IPAddress? address, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var localWait = local.RetryAfter(address, key, time.GetUtcNow());
        if (localWait > TimeSpan.Zero || shared is null)
        {
            // Refused here, the shared counter is not asked (and counts nothing for an attempt that never ran).
            return new LoginAttempt(address, key, localWait, CountedShared: false);
        }

        var sharedWait = await shared.TryCountAsync(Buckets(address, key), options.LoginFailureLimit, options.LoginFailureWindow, cancellationToken)
            .ConfigureAwait(false);
        return new LoginAttempt(address, key, Decide(localWait, sharedWait), CountedShared: sharedWait == TimeSpan.Zero);
    }

    /// <summary>Ends an attempt that checked its key: a failure counts on this replica (and stays counted in Redis); a success takes its shared count back.</summary>
    public async Task EndAsync(LoginAttempt attempt, bool succeeded)
    {
        if (!succeeded)
        {
            local.RecordFailure(attempt.Address, attempt.Key, time.GetUtcNow());
            return;
        }

        if (attempt.CountedShared && shared is not null)
        {
            await shared.UncountAsync(Buckets(attempt.Address, attempt.Key), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static string[] Buckets(IPAddress? address, string key) => [LoginThrottle.AddressBucket(address), LoginThrottle.KeyBucket(key)];
}

namespace Daalu.Router.WebConsole.Security;

/// <summary>
/// Login attempt counts shared by every router replica (<see cref="RedisLoginCounter"/>). A window starts with a
/// bucket's first counted attempt and lasts <c>window</c> on the store's clock, so replicas whose clocks disagree still
/// agree on the count and on when it ends.
/// </summary>
internal interface ISharedLoginCounter
{
    /// <summary>
    /// Counts one login attempt against every bucket, unless one of them already holds <paramref name="limit"/> counts:
    /// then nothing is counted and the answer is how long until the latest-ending full bucket's window ends. Zero:
    /// counted (the attempt may go ahead). Null: the store could not be asked (down, timed out, breaker open).
    /// </summary>
    Task<TimeSpan?> TryCountAsync(IReadOnlyList<string> buckets, int limit, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Takes back one count from every bucket (an attempt that turned out to be a good login). False when the store could not be asked.</summary>
    Task<bool> UncountAsync(IReadOnlyList<string> buckets, CancellationToken cancellationToken);
}

using System.Security.Cryptography;

namespace Daalu.Gateway.Ids;

/// <summary>
/// Request and reservation ids without a random-number syscall per call: 64 random bits drawn once per process
/// followed by a 64-bit counter that starts at a random value, as 32 lower-case hex characters (the shape of a
/// Guid "N" string). Ids are unique within a process by the counter and across processes and restarts by the random
/// prefix; the ledger's UNIQUE(request id, attempt) relies on that. They are not secrets and must not be used as such.
/// </summary>
public static class UniqueIds
{
    private static readonly ulong Prefix = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    private static long _counter = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    /// <summary>A new id: 32 lower-case hex characters.</summary>
    public static string Next()
    {
        var n = (ulong)Interlocked.Increment(ref _counter);
        return string.Create(32, n, static (span, value) =>
        {
            Prefix.TryFormat(span, out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
            value.TryFormat(span[16..], out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
        });
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using Daalu.Gateway.Abstractions;

namespace Daalu.Gateway.Redis;

/// <summary>
/// Counter updates (settle, release, fail-open add-spend) that could not reach Redis, waiting to be retried. Each is
/// also appended to a durable file next to the metering outbox before it is queued, so a replica that stops or crashes
/// before Redis is back delivers it on its next start; the file is removed once the queue is empty with nothing in
/// flight. Replaying a line that was already delivered changes nothing (every script is keyed by the reservation id),
/// so the file never needs to say what was delivered. Without a path the queue is in memory only.
/// Line format: <c>v1 TAB tenant TAB id TAB tokens TAB period TAB minute TAB actual</c> (actual -1 = release).
/// </summary>
internal sealed class CounterRetryQueue
{
    private const string Version = "v1";
    private readonly ConcurrentQueue<(Reservation Reservation, long Actual)> _queue = new();
    private readonly Lock _file = new();
    private readonly string? _path;
    private int _inFlight;

    public CounterRetryQueue(string? path)
    {
        _path = path is null ? null : Path.GetFullPath(path);
        if (_path is not null && File.Exists(_path))
        {
            foreach (var line in File.ReadAllLines(_path))
            {
                if (TryParse(line, out var item))
                {
                    _queue.Enqueue(item);
                    Loaded++;
                }
            }
        }
    }

    /// <summary>Updates read from the durable file at start.</summary>
    public int Loaded { get; }

    public int Count => _queue.Count;

    /// <summary>Appends to the durable file (when there is one), then queues. A failed append still queues in memory.</summary>
    public void Enqueue(Reservation reservation, long actual)
    {
        if (_path is not null)
        {
            using (_file.EnterScope())
            {
                try
                {
                    File.AppendAllText(_path, Format(reservation, actual) + "\n");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    GatewayMetrics.LedgerWriteFailures.WithLabels("counters").Inc();
                }
            }
        }

        _queue.Enqueue((reservation, actual));
    }

    /// <summary>Takes the next update for delivery; call <see cref="Done"/> or <see cref="Failed"/> with it.</summary>
    public bool TryTake(out (Reservation Reservation, long Actual) item)
    {
        Interlocked.Increment(ref _inFlight);
        if (_queue.TryDequeue(out item))
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Done()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _queue.IsEmpty)
        {
            RemoveFileIfDrained();
        }
    }

    /// <summary>Puts an undelivered update back in memory; it is already in the durable file.</summary>
    public void Failed((Reservation Reservation, long Actual) item)
    {
        _queue.Enqueue(item);
        Interlocked.Decrement(ref _inFlight);
    }

    private void RemoveFileIfDrained()
    {
        if (_path is null)
        {
            return;
        }

        using (_file.EnterScope())
        {
            if (_queue.IsEmpty && Volatile.Read(ref _inFlight) == 0)
            {
                try
                {
                    File.Delete(_path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Kept: replaying delivered lines later is harmless.
                }
            }
        }
    }

    internal static string Format(Reservation r, long actual) => string.Join('\t',
        Version, r.Tenant, r.Id, r.Tokens.ToString(CultureInfo.InvariantCulture), r.Period,
        r.Minute.ToString(CultureInfo.InvariantCulture), actual.ToString(CultureInfo.InvariantCulture));

    // A torn last line (crash while appending) fails to parse and is skipped: its caller had not returned yet.
    internal static bool TryParse(string line, out (Reservation Reservation, long Actual) item)
    {
        item = default;
        var parts = line.Split('\t');
        if (parts.Length != 7 || parts[0] != Version
            || !long.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var tokens)
            || !long.TryParse(parts[5], NumberStyles.Integer, CultureInfo.InvariantCulture, out var minute)
            || !long.TryParse(parts[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out var actual)
            || parts[1].Length == 0 || parts[2].Length == 0 || parts[4].Length == 0)
        {
            return false;
        }

        item = (new Reservation(parts[1], parts[2], tokens, parts[4], minute), actual);
        return true;
    }
}

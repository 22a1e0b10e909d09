namespace Daalu.Runtime.Informers;

/// <summary>Timing of an informer.</summary>
public sealed class InformerOptions
{
    /// <summary>Objects per list page.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>
    /// The watchdog: a watch that delivers no event or bookmark for this long is closed and reopened from the last
    /// resourceVersion. Real API servers send a bookmark about once a minute, so keep this above that.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Asks the server to end each watch after this long (it is then reopened); null for the server default.</summary>
    public TimeSpan? WatchTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>First delay after a failed list or watch; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Ceiling of the delay between failed attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Keep metadata.managedFields on cached objects. Off by default: the field list is often the largest part of an
    /// object's metadata, no controller here reads it, and every cached copy would carry it for the process's life
    /// (client-go operators strip it with an informer transform for the same reason).
    /// </summary>
    public bool KeepManagedFields { get; set; }

    /// <summary>
    /// Read-your-writes: how long at most an object the operator wrote is served from the cache in place of the older
    /// one the watch has not replaced yet (it normally goes within milliseconds, when the watch delivers it). Zero
    /// turns read-your-writes off. See <see cref="Informer{T}"/>.
    /// </summary>
    public TimeSpan ReadYourWritesTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Read-your-writes: most written objects held per informer; the oldest gives way.</summary>
    public int ReadYourWritesLimit { get; set; } = 1024;
}

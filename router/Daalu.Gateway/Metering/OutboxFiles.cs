using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Daalu.Gateway.Metering;

/// <summary>
/// Where the outbox's segments live: next to <see cref="GatewayOptions.EffectiveOutboxPath"/>, named
/// <c>&lt;outbox&gt;.&lt;16-digit sequence&gt;.log</c>; a segment found corrupt is renamed to <c>….log.corrupt</c> and
/// left for an operator. The sequence orders segments; it continues above every name present, corrupt ones included,
/// so a name is never reused while its file may still be there.
/// </summary>
internal static class OutboxFiles
{
    public const string CorruptSuffix = ".corrupt";

    public static string SegmentPath(string outbox, long seq) =>
        string.Create(CultureInfo.InvariantCulture, $"{outbox}.{seq:D16}.log");

    /// <summary>Segments on disk, in sequence order.</summary>
    public static List<(long Seq, string Path, bool Corrupt)> List(string outbox)
    {
        var full = Path.GetFullPath(outbox);
        var dir = Path.GetDirectoryName(full)!;
        var prefix = Path.GetFileName(full) + ".";
        var found = new List<(long, string, bool)>();
        if (!Directory.Exists(dir))
        {
            return found;
        }

        foreach (var path in Directory.EnumerateFiles(dir, prefix + "*"))
        {
            // The pattern's DOS rules also match the bare outbox path (a legacy SQLite outbox): check the prefix here.
            var name = Path.GetFileName(path.AsSpan());
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = name[prefix.Length..];
            var corrupt = rest.EndsWith(".log" + CorruptSuffix, StringComparison.Ordinal);
            var digits = corrupt ? rest[..^(".log".Length + CorruptSuffix.Length)] : rest.EndsWith(".log", StringComparison.Ordinal) ? rest[..^".log".Length] : [];
            if (digits.Length > 0 && digits.IndexOfAnyExceptInRange('0', '9') < 0
                && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                found.Add((seq, path, corrupt));
            }
        }

        found.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return found;
    }

    /// <summary>
    /// Takes the outbox for this process: an exclusive lock on <c>&lt;outbox&gt;.lock</c> (FileShare.None, an advisory
    /// flock on Linux), held while the returned handle is open and dropped by the OS when the process dies. Two
    /// processes appending to one segment would interleave their records, so a second one is refused at start.
    /// </summary>
    public static FileStream Own(string outbox)
    {
        var path = Path.GetFullPath(outbox) + ".lock";
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The metering outbox {outbox} is in use by another process ({path} is locked); every router process needs a ledger path of its own.", ex);
        }
    }

    /// <summary>
    /// Creates the segment file. An empty file of that name (left by a create cut short) is taken over; any other
    /// existing file is refused, so a segment is never written into twice.
    /// </summary>
    public static SafeFileHandle Create(string path)
    {
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        if (RandomAccess.GetLength(handle) != 0)
        {
            handle.Dispose();
            throw new IOException($"Outbox segment {path} already exists.");
        }

        return handle;
    }

    /// <summary>The first <paramref name="length"/> bytes of a segment, or all of it when the length is unknown (-1).</summary>
    public static byte[] Read(string path, long length)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var size = RandomAccess.GetLength(handle);
        if (length >= 0 && length < size)
        {
            size = length;
        }

        var data = new byte[size];
        var read = 0;
        while (read < data.Length)
        {
            var n = RandomAccess.Read(handle, data.AsSpan(read), read);
            if (n == 0)
            {
                return data[..read]; // shrank meanwhile (truncated after a failed write)
            }

            read += n;
        }

        return data;
    }

    /// <summary>
    /// Makes a new file's directory entry durable: an fsync of the file alone does not promise its name survives a
    /// power loss. Not needed for a process crash, where the kernel keeps the entry.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals the entry with the file's own flush
        }

        var fd = Open(Encoding.UTF8.GetBytes(directory + "\0"), 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open {directory} to sync it: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of {directory} failed: {Marshal.GetLastPInvokeErrorMessage()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // .NET opens no handle on a directory, so the directory's fsync goes through libc.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}

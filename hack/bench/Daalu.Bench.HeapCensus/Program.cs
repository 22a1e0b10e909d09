// Daalu.Bench.HeapCensus: what a running .NET process's GC heap holds, by type. Attaches to PID (ptrace: run as the
// process's user or root; the process is suspended while it is read), marks the objects reachable from the roots and
// prints the live objects' shallow size and count per type, largest first, then the heap's total including garbage
// not yet collected. Written to find what the operator keeps (docs/benchmarks.md, "Operator RSS").
//   dotnet run -c Release --project hack/bench/Daalu.Bench.HeapCensus -- PID [TOP=50]
using System.Globalization;
using Microsoft.Diagnostics.Runtime;

if (args.Length < 1 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out var pid))
{
    Console.Error.WriteLine("usage: Daalu.Bench.HeapCensus PID [TOP]");
    return 2;
}

var top = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
using var target = DataTarget.AttachToProcess(pid, suspend: true);
var clr = target.ClrVersions[0];

// The DAC that reads this runtime's data structures ships beside it (the symbol server is out of reach here). ClrMD
// reads the runtime's version as 0.0 from a live Linux process, so its version check is skipped: a DAC from the target
// runtime's own directory is the matching one.
var dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName) ?? ".", "libmscordaccore.so");
using var runtime = File.Exists(dac) ? clr.CreateRuntime(dac, ignoreMismatch: true) : clr.CreateRuntime();
var heap = runtime.Heap;

var live = new HashSet<ulong>();
var pending = new Stack<ulong>();
foreach (var root in heap.EnumerateRoots())
{
    if (root.Object.Address != 0 && live.Add(root.Object.Address))
    {
        pending.Push(root.Object.Address);
    }
}

while (pending.Count > 0)
{
    var obj = heap.GetObject(pending.Pop());
    if (!obj.IsValid)
    {
        continue;
    }

    foreach (var child in obj.EnumerateReferenceAddresses(carefully: false, considerDependantHandles: true))
    {
        if (child != 0 && live.Add(child))
        {
            pending.Push(child);
        }
    }
}

var byType = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
long liveBytes = 0, liveCount = 0, allBytes = 0;
foreach (var obj in heap.EnumerateObjects())
{
    if (!obj.IsValid)
    {
        continue;
    }

    var size = (long)obj.Size;
    allBytes += size;
    if (!live.Contains(obj.Address))
    {
        continue;
    }

    liveBytes += size;
    liveCount++;
    var name = obj.Type?.Name ?? "(unknown type)";
    byType[name] = byType.TryGetValue(name, out var seen) ? (seen.Count + 1, seen.Bytes + size) : (1, size);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pid {pid}: {liveCount:N0} live objects, {liveBytes / 1048576.0:0.0} MiB; {allBytes / 1048576.0:0.0} MiB on the heap with garbage"));
Console.WriteLine("| live KiB | objects | type |");
Console.WriteLine("|---:|---:|---|");
foreach (var (name, (count, bytes)) in byType.OrderByDescending(kv => kv.Value.Bytes).Take(top))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {bytes / 1024.0:0} | {count:N0} | {name.Replace("|", "\\|", StringComparison.Ordinal)} |"));
}

return 0;

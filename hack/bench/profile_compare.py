#!/usr/bin/env python3
"""Two router builds' CPU profiles side by side, per request: where one build spends more than the other.

Reads the `perf script -F tid,ip,sym,dso` text that hack/bench/profile-router.sh keeps (DAALU_PROFILE_KEEP) for each
build, with the number of requests wrk completed while perf sampled, and charges every sample to the area of its
innermost frame (the code that was running: kernel, GC, allocation and type-check/dispatch helpers, managed code by
namespace). Each area's samples become microseconds of CPU per request (samples / sampling rate / requests), so two
builds measured at different request rates compare directly. Works on both a JIT router (perf map names:
"[System.Net.Http] System.Net.Http.HttpConnection::SendAsync") and a NativeAOT one (ILC's mangled ELF symbols:
"System_Net_Http_System_Net_Http_HttpConnection__SendAsync").

usage: profile_compare.py HZ NAME_A PERF_TXT_A REQUESTS_A NAME_B PERF_TXT_B REQUESTS_B [TOP]
Prints a markdown table by area, then the TOP self-time symbols of each build (us per request).
"""
import re
import sys
from collections import Counter

# Managed areas, tested on the name with '.' and '_' both read as '_'; the keyword that occurs first wins (the outer
# type of a generic instantiation comes before its type arguments).
MANAGED = [
    ("Daalu (our code)", "Daalu_"),
    ("Kestrel", "Microsoft_AspNetCore_Server_Kestrel"),
    ("ASP.NET Core other", "Microsoft_AspNetCore"),
    ("HttpClient (System.Net.Http)", "System_Net_Http"),
    ("sockets (System.Net.Sockets)", "System_Net_Sockets"),
    ("System.Text.Json", "System_Text_Json"),
    ("SQLite wrapper (Microsoft.Data.Sqlite, SQLitePCL)", "Sqlite"),
    ("SQLite wrapper (Microsoft.Data.Sqlite, SQLitePCL)", "SQLitePCL"),
    ("Microsoft.Extensions", "Microsoft_Extensions"),
    ("System.IO.Pipelines", "System_IO_Pipelines"),
    ("threads, tasks, async (CoreLib)", "System_Threading"),
    ("threads, tasks, async (CoreLib)", "System_Runtime_CompilerServices_Async"),
    ("threads, tasks, async (CoreLib)", "System_Runtime_CompilerServices_ConfiguredValueTaskAwaitable"),
    ("threads, tasks, async (CoreLib)", "System_Runtime_CompilerServices_TaskAwaiter"),
    ("text, strings, spans (CoreLib)", "System_Text"),
    ("text, strings, spans (CoreLib)", "System_String"),
    ("text, strings, spans (CoreLib)", "System_SpanHelpers"),
    ("text, strings, spans (CoreLib)", "System_Buffer"),
    ("collections", "System_Collections"),
    ("diagnostics, metrics", "System_Diagnostics"),
    ("diagnostics, metrics", "Prometheus"),
    ("diagnostics, metrics", "OpenTelemetry"),
]
# NativeAOT runtime helpers (Rhp*/Rh*, the casting and dispatch code in CoreLib's System.Runtime) and their CoreCLR
# counterparts (JIT_* helpers, stubs in libcoreclr).
ALLOC = re.compile(r"RhpNew|RhpAlloc|RhNewString|RhNewArray|JIT_New|AllocateObject|Alloc(ate)?String|JIT_NewArr|RhpGcAlloc|GCHeap::Alloc|gc_heap::allocate|Alloc\b")
CAST = re.compile(r"TypeCast|RhTypeCast|IsInstanceOf|ChkCast|CastHelpers|StelemRef|RhpStelemRef|JIT_IsInstance|JIT_ChkCast|AreTypesAssignable|CastCache")
DISPATCH = re.compile(r"InterfaceDispatch|RhpResolveInterface|CachedInterfaceDispatch|VSD_|ResolveWorker|DispatchStub|ResolveStub|GenericVirtualMethod|GVMLookup|RhResolveDispatch|JIT_VirtualFunctionPointer|GenericLookup|JIT_GenericHandle|GenericDictionary")
GC = re.compile(r"WKS::|SVR::|gc_heap|GCHeap|GCToEE|GcScan|gc\.cpp|RhpGcPoll|GcInfo|StackFrameIterator|Promote|GCScan|MarkObject|background_|RhpReversePInvoke")
LOCKS = re.compile(r"RhpCheckedLockCmpXchg|Monitor|SyncTable|ObjectHeader|AwareLock|Lock__")
WRITE_BARRIER = re.compile(r"WriteBarrier|RhpAssignRef|RhpCheckedAssignRef|JIT_CheckedWriteBarrier|JIT_WriteBarrier|JIT_ByRefWriteBarrier|RhpByRefAssignRef")
THREAD_STATIC = re.compile(r"ThreadStatic|GetThread\b|TlsGet|RhpGetThread|__tls_get_addr|InlinedThreadStatic|GetInlinedThreadStaticBase|GetThreadStaticBase")


def area(frame):
    if "[kernel.kallsyms]" in frame:
        return "kernel"
    if "sqlite3" in frame and ("libe_sqlite3" in frame or "sqlite3_" in frame):
        return "SQLite (native)"
    if "libc.so" in frame or "libc-" in frame or "libpthread" in frame:
        return "libc"
    if "libclrjit" in frame:
        return "JIT compiler"
    sym = frame.split(" ", 1)[1] if " " in frame else frame
    for rx, name in ((WRITE_BARRIER, "write barrier"), (ALLOC, "allocation helpers"), (CAST, "casts, type checks"),
                     (DISPATCH, "interface / generic virtual dispatch, generic lookups"), (THREAD_STATIC, "thread statics"),
                     (LOCKS, "locks, interlocked"), (GC, "GC")):
        if rx.search(sym):
            return name
    norm = sym.replace(".", "_")
    best = None
    for name, key in MANAGED:
        i = norm.find(key)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, name)
    if best:
        return best[1]
    if "libcoreclr" in frame:
        return "runtime (libcoreclr, other)"
    if "[unknown]" in frame or "perf-" in frame:
        return "managed, other (or unnamed stubs)"
    if "S_P_CoreLib" in sym or "System_" in sym or "::" in sym or "[System" in sym:
        return "managed, other CoreLib/framework"
    return "native, other (incl. AOT runtime)"


def symbol(frame):
    s = frame.split(" ", 1)[1] if " " in frame else frame
    s = re.sub(r"\s*\((/[^)]*|\[[^)]*)\)\s*$", "", s)  # the dso in brackets
    s = re.sub(r"\+0x[0-9a-f]+$", "", s)
    s = re.sub(r"\[(OptimizedTier1|Optimized|Tier0|Tier1|QuickJitted|PreJIT|Instrumented[^\]]*|OptimizedTier1OSR)\]$", "", s)
    return s[:150]


def running(frames):
    """The frame that was running. A cpu-clock sample taken as the timer interrupt returns to user space has the kernel's
    interrupt-exit path on top (irqentry_exit_to_user_mode, here in a VM about 5-13 us per request); the code it
    interrupted is the first frame below that path, so the sample is charged there."""
    for i, f in enumerate(frames):
        if "[kernel.kallsyms]" not in f:
            return f
        if "irqentry_exit_to_user_mode" in f:
            return next((g for g in frames[i + 1:] if "[kernel.kallsyms]" not in g), frames[0])
        if "entry_SYSCALL" in f or "do_syscall" in f:
            break
    return frames[0]


def read(path):
    areas, syms, total = Counter(), Counter(), 0
    frames = []

    def flush():
        nonlocal total
        if frames:
            total += 1
            top = running(frames)
            areas[area(top)] += 1
            syms[symbol(top)] += 1
        frames.clear()

    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("\t"):
                s = line.strip()
                if s:
                    frames.append(s)
            else:
                flush()
        flush()
    return areas, syms, total


def main():
    if len(sys.argv) < 8:
        print(__doc__, file=sys.stderr)
        return 2
    hz = float(sys.argv[1])
    na, pa, ra, nb, pb, rb = sys.argv[2:8]
    top = int(sys.argv[8]) if len(sys.argv) > 8 else 25
    ra, rb = float(ra), float(rb)
    aa, sa, ta = read(pa)
    ab, sb, tb = read(pb)
    us_a = lambda n: n / hz / ra * 1e6
    us_b = lambda n: n / hz / rb * 1e6
    print(f"Samples: {na} {ta} over {ra:.0f} requests, {nb} {tb} over {rb:.0f} requests; {hz:.0f} Hz.")
    print(f"CPU per request from the samples: {na} {us_a(ta):.1f} us, {nb} {us_b(tb):.1f} us ({us_b(tb) / us_a(ta):.2f}x).")
    print()
    print(f"| area (innermost frame) | {na} us/request | {nb} us/request | {nb} - {na} |")
    print("|---|---:|---:|---:|")
    names = sorted(set(aa) | set(ab), key=lambda k: -(us_b(ab[k]) - us_a(aa[k])))
    for k in names:
        print(f"| {k} | {us_a(aa[k]):.1f} | {us_b(ab[k]):.1f} | {us_b(ab[k]) - us_a(aa[k]):+.1f} |")
    print(f"| **all** | **{us_a(ta):.1f}** | **{us_b(tb):.1f}** | **{us_b(tb) - us_a(ta):+.1f}** |")
    for name, syms, us in ((na, sa, us_a), (nb, sb, us_b)):
        print()
        print(f"Top {top} self symbols, {name} (us/request):")
        print()
        for s, n in syms.most_common(top):
            print(f"    {us(n):6.2f}  {s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Where the slowest requests' time went: hack/bench/tail.sh's analysis step.

Reads one run of `Daalu.Bench.Stub latency --out` (every request's start and end, CLOCK_MONOTONIC ns) and the
`perf script` text of a `perf record -a -k CLOCK_MONOTONIC -e cpu-clock` taken during that run, and prints a
markdown table: for the slowest 1 % of requests and for the middle of the distribution (p40-p60), how many
microseconds of each CPU went to what while a request was in flight, and in what share of the requests each thing
ran at all. A cause of the tail is what fills the slow requests' windows and not the middle ones'.

usage: tail_report.py TITLE LATENCY_TSV PERF_SCRIPT_TXT PROXY_PID STUB_PID CLIENT_PID [TOP_FUNCTIONS]
With TOP_FUNCTIONS, also lists that many of the proxy's functions (innermost frames) that took the most time in the
middle requests: the profile of the path every request takes.
"""
import bisect
import math
import re
import sys
from collections import defaultdict

HEADER = re.compile(r"^(?P<comm>.+?)\s+(?P<pid>-?\d+)/(?P<tid>-?\d+)\s+\[(?P<cpu>\d+)\]\s+(?P<time>\d+\.\d+):\s+(?P<period>\d+)\s+cpu-clock\S*:(?P<rest>.*)$")
# A frame: "ip symbol (dso)", on the header's line without call chains, on lines of its own with them.
FRAME = re.compile(r"^\s+[0-9a-f]+\s+(?P<sym>.*?)\s+\((?P<dso>[^()]*)\)\s*$")


def classify(comm, pid, frames, proxy, stub, client):
    """One sample's category, from its thread and its innermost frame (no call chains: unwinding every sample's
    stack cost the router more than its own work per request under perf). frames: [(sym, dso)], innermost first."""
    if pid == 0:
        return "idle"
    if pid == proxy:
        sym, dso = frames[0] if frames else ("", "")
        if comm.startswith(".NET Tiered"):
            return "proxy: tier-1 JIT (background tiering thread)"
        if comm.startswith(".NET Long Run"):
            # The router's only long-running thread is the ledger flusher (SqliteLedger.FlushLoop).
            return "proxy: ledger flusher thread"
        # tail.sh runs the proxies with the standalone GC (DOTNET_GCName=libclrgc.so, the same GC code shipped as its
        # own library), because libcoreclr.so carries no symbols: a GC sample is then one in that library.
        if dso.endswith("libclrgc.so"):
            return "proxy: GC"
        if dso.endswith("libclrjit.so"):
            return "proxy: JIT on a request thread"
        if "libe_sqlite3" in dso:
            return "proxy: SQLite"
        if dso == "[kernel.kallsyms]":
            return "proxy: kernel (syscalls, network, faults)"
        if dso.endswith("libcoreclr.so"):
            return "proxy: runtime (allocation, casts, stubs)"
        return "proxy: managed code and libraries"
    if pid == stub:
        return "stub"
    if pid == client:
        return "probe client"
    if comm == "perf":
        return "perf (the profiler itself)"
    # Per-CPU kernel threads carry their CPU in the name (kworker/1:2, ksoftirqd/1); keep only the kind.
    return "other: " + comm.split("/")[0]


def read_samples(path, proxy, stub, client):
    """Samples per CPU in time order, and their times alone (for bisecting request windows)."""
    samples = {0: [], 1: []}  # cpu -> [(time_ns, period_ns, category, leaf symbol of the proxy's samples)]
    header = None
    frames = []

    def flush():
        if header is not None:
            cpu = int(header["cpu"])
            t = int(round(float(header["time"]) * 1e9))
            cat = classify(header["comm"].strip(), int(header["pid"]), frames, proxy, stub, client)
            leaf = frames[0][0] if frames and cat.startswith("proxy") else ""
            samples.setdefault(cpu, []).append((t, int(header["period"]), cat, leaf))

    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = HEADER.match(line)
            if m:
                flush()
                header, frames = m, []
                inline = FRAME.match(m["rest"])
                if inline:
                    frames.append((inline["sym"], inline["dso"]))
                continue
            m = FRAME.match(line)
            if m and header is not None:
                frames.append((m["sym"], m["dso"]))
    flush()
    for cpu in samples:
        samples[cpu].sort()
    return samples, {cpu: [s[0] for s in ss] for cpu, ss in samples.items()}


def window_profile(requests, samples, times):
    """Mean us per request and share of requests, per (cpu, category); and mean us per request per proxy function."""
    total = defaultdict(float)
    present = defaultdict(int)
    functions = defaultdict(float)
    for start, end in requests:
        seen = set()
        for cpu, ss in samples.items():
            lo = bisect.bisect_left(times[cpu], start)
            hi = bisect.bisect_right(times[cpu], end)
            for _, period, cat, leaf in ss[lo:hi]:
                total[(cpu, cat)] += period / 1000.0
                seen.add((cpu, cat))
                if leaf:
                    functions[short(leaf)] += period / 1000.0
        for key in seen:
            present[key] += 1
    n = max(1, len(requests))
    return ({k: (v / n, present[k] * 100.0 / n) for k, v in total.items()},
            {k: v / n for k, v in functions.items()})


def short(symbol):
    """A JIT-compiled method's name without its signature and tier, e.g. 'Ns.Type::Method'."""
    symbol = re.sub(r"\[(Optimized|QuickJitted|Tier0|Tier1|OptimizedTier1|Instrumented[^\]]*)\]$", "", symbol).strip()
    symbol = re.sub(r"\(.*$", "", symbol)
    symbol = re.sub(r"^(instance |static )?\S+ ", "", symbol) if "::" in symbol else symbol
    return symbol[-110:]


def main():
    title, lat_path, perf_path = sys.argv[1:4]
    proxy, stub, client = (int(x) for x in sys.argv[4:7])
    proxy_functions = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    requests = []
    with open(lat_path, encoding="utf-8") as f:
        next(f)
        for line in f:
            s, e = line.split()
            requests.append((int(s), int(e)))
    if not requests:
        sys.exit(f"{lat_path}: no requests")
    by_latency = sorted(requests, key=lambda r: r[1] - r[0])
    n = len(by_latency)

    def pct(p):
        start, end = by_latency[min(n - 1, max(0, math.ceil(p * n) - 1))]
        return (end - start) / 1000.0

    slow = by_latency[int(n * 0.99):]
    middle = by_latency[int(n * 0.40):int(n * 0.60)]
    samples, times = read_samples(perf_path, proxy, stub, client)
    slow_p, slow_f = window_profile(slow, samples, times)
    mid_p, mid_f = window_profile(middle, samples, times)
    mean = lambda rs: sum(e - s for s, e in rs) / len(rs) / 1000.0  # noqa: E731
    print(f"#### {title}")
    print()
    print(f"{n} requests one at a time: p50 {pct(0.50):.0f} us, p99 {pct(0.99):.0f} us, p99.9 {pct(0.999):.0f} us, "
          f"max {pct(1.0):.0f} us. Slowest 1 %: {len(slow)} requests, mean {mean(slow):.0f} us; "
          f"middle (p40-p60): {len(middle)} requests, mean {mean(middle):.0f} us.")
    print()
    for cpu, what in ((1, "CPU 1 (the proxy's core)"), (0, "CPU 0 (stub and client)")):
        keys = sorted({c for (k, c) in list(slow_p) + list(mid_p) if k == cpu},
                      key=lambda c: -(slow_p.get((cpu, c), (0, 0))[0] - mid_p.get((cpu, c), (0, 0))[0]))
        print(f"| {what} | slowest 1 %: us per request | middle: us per request | slowest 1 %: ran in % of requests | middle: ran in % of requests |")
        print("|---|---:|---:|---:|---:|")
        for c in keys:
            s_us, s_pc = slow_p.get((cpu, c), (0.0, 0.0))
            m_us, m_pc = mid_p.get((cpu, c), (0.0, 0.0))
            if s_us < 1 and m_us < 1:
                continue
            print(f"| {c} | {s_us:.0f} | {m_us:.0f} | {s_pc:.0f} % | {m_pc:.0f} % |")
        print()
    if proxy_functions and mid_f:
        print("| the proxy's functions with the most samples in the middle requests | middle: us per request | slowest 1 %: us per request |")
        print("|---|---:|---:|")
        for f, us in sorted(mid_f.items(), key=lambda kv: -kv[1])[:proxy_functions]:
            print(f"| `{f}` | {us:.1f} | {slow_f.get(f, 0.0):.1f} |")
        print()


if __name__ == "__main__":
    main()

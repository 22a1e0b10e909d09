#!/usr/bin/env python3
"""Where the slowest requests' time went: hack/bench/tail.sh's analysis step.

Reads one run of `Daalu.Bench.Stub latency --out` (every request's start and end, CLOCK_MONOTONIC ns) and the
`perf script` text of a `perf record -a -g -k CLOCK_MONOTONIC -e cpu-clock` taken during that run, and prints a
markdown table: for the slowest 1 % of requests and for the middle of the distribution (p40-p60), how many
microseconds of each CPU went to what while a request was in flight, and in what share of the requests each thing
ran at all. A cause of the tail is what fills the slow requests' windows and not the middle ones'.

usage: tail_report.py TITLE LATENCY_TSV PERF_SCRIPT_TXT PROXY_PID STUB_PID CLIENT_PID
"""
import bisect
import math
import re
import sys
from collections import defaultdict

HEADER = re.compile(r"^(?P<comm>.+?)\s+(?P<pid>-?\d+)/(?P<tid>-?\d+)\s+\[(?P<cpu>\d+)\]\s+(?P<time>\d+\.\d+):\s+(?P<period>\d+)\s+cpu-clock")
FRAME = re.compile(r"^\s+[0-9a-f]+\s+(?P<sym>.*?)\s+\((?P<dso>[^()]*)\)\s*$")


def classify(comm, pid, frames, proxy, stub, client):
    """One sample's category. frames: [(sym, dso)], innermost first."""
    if pid == 0:
        return "idle"
    if pid == proxy:
        syms = [s for s, _ in frames]
        dsos = [d for _, d in frames]
        # tail.sh runs the proxies with the standalone GC (DOTNET_GCName=libclrgc.so, the same GC code shipped as its
        # own library), because libcoreclr.so carries no symbols: a GC frame is then any frame in that library.
        if any(d.endswith("libclrgc.so") for d in dsos):
            return "proxy: GC"
        if any(d.endswith("libclrjit.so") for d in dsos):
            return "proxy: JIT"
        if any("SqliteLedger::Flush" in s for s in syms):
            return "proxy: ledger flusher thread"
        if any("libe_sqlite3" in d for d in dsos):
            return "proxy: SQLite on the request path"
        if comm.startswith(".NET Tiered"):
            return "proxy: tiering thread"
        if frames and frames[0][1] == "[kernel.kallsyms]":
            return "proxy: kernel (syscalls, network, faults)"
        return "proxy: user code"
    if pid == stub:
        return "stub"
    if pid == client:
        return "probe client"
    if comm == "perf":
        return "perf (the profiler itself)"
    # Per-CPU kernel threads carry their CPU in the name (kworker/1:2, ksoftirqd/1); keep only the kind.
    return "other: " + comm.split("/")[0]


def read_samples(path, proxy, stub, client):
    samples = {0: [], 1: []}  # cpu -> [(time_ns, period_ns, category)]
    header = None
    frames = []

    def flush():
        if header is not None:
            cpu = int(header["cpu"])
            t = int(round(float(header["time"]) * 1e9))
            cat = classify(header["comm"].strip(), int(header["pid"]), frames, proxy, stub, client)
            samples.setdefault(cpu, []).append((t, int(header["period"]), cat))

    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = HEADER.match(line)
            if m:
                flush()
                header, frames = m, []
                continue
            m = FRAME.match(line)
            if m and header is not None:
                frames.append((m["sym"], m["dso"]))
    flush()
    for cpu in samples:
        samples[cpu].sort()
    return samples


def window_profile(requests, samples):
    """Mean us per request and share of requests, per (cpu, category), over the given requests."""
    total = defaultdict(float)
    present = defaultdict(int)
    times = {cpu: [s[0] for s in ss] for cpu, ss in samples.items()}
    for start, end in requests:
        seen = set()
        for cpu, ss in samples.items():
            lo = bisect.bisect_left(times[cpu], start)
            hi = bisect.bisect_right(times[cpu], end)
            for t, period, cat in ss[lo:hi]:
                total[(cpu, cat)] += period / 1000.0
                seen.add((cpu, cat))
        for key in seen:
            present[key] += 1
    n = max(1, len(requests))
    return {k: (v / n, present[k] * 100.0 / n) for k, v in total.items()}


def main():
    title, lat_path, perf_path = sys.argv[1:4]
    proxy, stub, client = (int(x) for x in sys.argv[4:7])
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
    samples = read_samples(perf_path, proxy, stub, client)
    slow_p = window_profile(slow, samples)
    mid_p = window_profile(middle, samples)
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


if __name__ == "__main__":
    main()

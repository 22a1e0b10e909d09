#!/usr/bin/env python3
"""Which of the router's own components its CPU goes to: hack/bench/profile-router.sh's last table.

Reads `perf script -F tid,ip,sym,dso` text of a `perf record -g` of the router (call chains; JIT-compiled frames named
from the runtime's perf map) and charges each sample to the innermost frame of Daalu's own code on its stack: the
component that was running, itself or through what it called (the framework, the kernel). Samples with no Daalu frame
are the server stack's own work (Kestrel, HttpClient, the socket engine, the thread pool, the GC) or stacks perf could
not unwind past libc (a `send` or `recv` without frame pointers): those are listed by their innermost frame's kind.

usage: profile_components.py PERF_SCRIPT_TXT [TOP]
Prints a markdown table: component, share of the router's samples, the part of it in the component's own code (the
innermost managed frame is Daalu's), and that share split by where the innermost frame was (kernel, managed code, the
runtime, SQLite, other native code).
"""
import re
import sys
from collections import Counter

KINDS = ("kernel", "managed", "runtime", "sqlite", "native")
# A managed frame from the perf map: "... [Assembly] Namespace.Type::Method(args)[Tier] (/tmp/perf-PID.map)".
DAALU = re.compile(r"\] (Daalu\.[^\s(\[]+)")


def kind(frame):
    if "[kernel.kallsyms]" in frame:
        return "kernel"
    if "libcoreclr" in frame or "libclrjit" in frame:
        return "runtime"
    if "sqlite" in frame:
        return "sqlite"
    if "/perf-" in frame or "[JIT]" in frame:
        return "managed"
    return "native"


def component(frames):
    """The innermost Daalu frame's Type::Method, shortened; None when the stack holds none."""
    for f in frames:
        m = DAALU.search(f)
        if m:
            name = re.sub(r"^Daalu\.(Router|Gateway)\.", "", m.group(1))
            # An async method's state machine: Type+<Method>d__N::MoveNext -> Type.Method (async).
            name = re.sub(r"\+<(\w+)>d__\d+::MoveNext$", r".\1 (async)", name)
            return name.replace("::", ".")
    return None


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    total = 0
    by = Counter()
    own_code = Counter()
    split = Counter()
    frames = []

    def flush():
        nonlocal total
        if not frames:
            return
        total += 1
        leaf = kind(frames[0])
        name = component(frames) or f"(no Daalu frame: {leaf})"
        by[name] += 1
        split[(name, leaf)] += 1
        managed = next((f for f in frames if kind(f) == "managed"), None)
        if managed is not None and DAALU.search(managed):
            own_code[name] += 1

    with open(sys.argv[1], errors="replace") as f:
        for line in f:
            # Frames are tab-indented; a sample's header (its thread id, right-aligned) is not.
            if line.startswith("\t"):
                s = line.strip()
                if s:
                    frames.append(s)
            else:
                flush()
                frames = []
    flush()
    if total == 0:
        print("no samples")
        return 1
    own = sum(v for k, v in by.items() if not k.startswith("(no Daalu"))
    print(f"{total} samples; {100 * own / total:.1f} % with a Daalu frame on the stack, "
          f"{100 * sum(own_code.values()) / total:.1f} % in Daalu's own code (the innermost managed frame).")
    print()
    print("| innermost Daalu frame (component) | share of the router's samples | of it in Daalu's own code | "
          + " | ".join(KINDS) + " |")
    print("|---|---:|---:|" + "---:|" * len(KINDS))
    for name, v in by.most_common(top):
        cells = " | ".join(f"{100 * split[(name, k)] / total:.1f}" if split[(name, k)] else "" for k in KINDS)
        mine = f"{100 * own_code[name] / total:.1f} %" if own_code[name] else ""
        print(f"| {name} | {100 * v / total:.1f} % | {mine} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

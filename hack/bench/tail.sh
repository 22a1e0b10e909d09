#!/usr/bin/env bash
# What the slowest requests were waiting for, one command: hack/bench/tail.sh [seconds]
#
# The p99 one request at a time is the hardest figure on this VM to explain: it moves by milliseconds between runs,
# for nginx too. This script takes the profile that explains it. For each target (direct to the stub, the bare
# ASP.NET Core proxy, the Daalu router; set up as floor.sh sets them up) it warms up, then sends requests one at a time
# with `Daalu.Bench.Stub latency` (blocking socket calls; every request's start and end in CLOCK_MONOTONIC ns) while
# `perf record -a -k CLOCK_MONOTONIC` samples both CPUs every 100 us (innermost frame only: unwinding every sample's
# stack tripled the router's p50), and lines the two up (tail_report.py): for the
# slowest 1 % of requests and for the middle ones, how much of each CPU went to what while a request was in flight
# (the proxy's GC, JIT, ledger flusher, SQLite, kernel and own code; the stub; the client; other processes and kernel
# threads; idle). The same run without perf comes first, so the profiler's own cost is on the page. Then the same for
# $STREAMS SSE streams one at a time, each window running from the send to the first token: where the time to first
# token goes.
# Profiling settings for both proxies: perf maps (to name JIT code) and the standalone GC (DOTNET_GCName=libclrgc.so,
# the same GC shipped as a library of its own, because libcoreclr.so has no symbols and its GC frames could not be told
# apart otherwise). Same pinning as router.sh: client and stub on CPU 0, the proxy under test on CPU 1.
# Needs: perf, python3, wrk, curl, node (free ports). Everything on 127.0.0.1, bounded in time. Run as root (perf -a).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SECONDS_PER_TARGET=${1:-10}
STREAMS=${STREAMS:-1000}
BENCH_NAME=tail.sh
source hack/bench/lib.sh
need_packages perf:linux-perf python3:python3 wrk:wrk curl:curl node:nodejs taskset:util-linux
(($(nproc) >= 2)) || { log "needs 2 CPUs or more (client and stub on one, the proxy on another)"; exit 1; }

log "building the stub, the bare proxy and the router (Release)"
build_release hack/bench/Daalu.Bench.Stub hack/bench/Daalu.Bench.BareProxy router/Daalu.Router
pin_cpus
bench_workdir tail

PROFILE_ENV=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_GCName=libclrgc.so)
STUB_PORT=$(free_port)
start_stub "$STUB_PORT" --model bench-model --model bench-stream=1000
BARE_PORT=$(free_port)
start_bare "$BARE_PORT" "$STUB_PORT" "${PROFILE_ENV[@]}"
ROUTER_PORT=$(free_port)
bench_router_config "$WORK/router.json" "$STUB_PORT" bench-model
start_router "$ROUTER_PORT" "${PROFILE_ENV[@]}"

CHAT='{"model":"bench-model","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":16}'
floor_targets "$STUB_PORT" "$BARE_PORT" "$ROUTER_PORT" "$CHAT"
kv() { sed -n "s/^$1=//p" "$2" | tail -1; }

mkdir -p hack/bench/results
OUT="hack/bench/results/tail-$(date -u +%Y%m%dT%H%M%SZ).md"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for t in "${TARGETS[@]}"; do
  hdr=()
  [[ -n ${AUTH[$t]:-} ]] && hdr=(--header "Authorization: ${AUTH[$t]}")
  # The proxy not under test is stopped, so its timers and background threads do not run on CPU 1 meanwhile.
  for other in bare daalu; do
    if [[ $other == "$t" ]]; then kill -CONT "${PID[$other]}"; else kill -STOP "${PID[$other]}"; fi
  done
  log "$t: warm-up 20 s at 32 connections (the router's hot path needs ~15 s of load to reach tier 1)"
  "${ON_LOAD[@]}" wrk -t1 -c32 -d20s -s "$WORK/wrk-$t.lua" "${URL[$t]}" >/dev/null 2>&1 || true
  log "$t: warm-up 10 s at one connection (paths 32 connections do not take; see router.sh)"
  "${ON_LOAD[@]}" wrk -t1 -c1 -d10s -s "$WORK/wrk-$t.lua" "${URL[$t]}" >/dev/null 2>&1 || true
  log "$t: ${SECONDS_PER_TARGET}s one request at a time without perf"
  "${ON_LOAD[@]}" "$STUB" latency --url "${URL[$t]}" --seconds "$SECONDS_PER_TARGET" --body "$CHAT" "${hdr[@]}" >"$WORK/plain-$t.txt"
  log "$t: ${SECONDS_PER_TARGET}s one request at a time under perf"
  # perf itself (and so its writer) stays on CPU 0 with the client; it samples both CPUs.
  "${ON_LOAD[@]}" perf record -q -F 10000 -a -k CLOCK_MONOTONIC -o "$WORK/perf-$t.data" -- \
    "$STUB" latency --url "${URL[$t]}" --seconds "$SECONDS_PER_TARGET" --body "$CHAT" "${hdr[@]}" --out "$WORK/lat-$t.tsv" \
    >"$WORK/probe-$t.txt" 2>"$WORK/perf-$t.err"
  perf script -i "$WORK/perf-$t.data" -F comm,pid,tid,cpu,time,period,event,ip,sym,dso >"$WORK/perf-$t.txt" 2>/dev/null
  rm -f "$WORK/perf-$t.data"
  log "$t: $STREAMS streams of 2 tokens one at a time under perf (time to first token)"
  "${ON_LOAD[@]}" perf record -q -F 10000 -a -k CLOCK_MONOTONIC -o "$WORK/perf-sse-$t.data" -- \
    "$STUB" ttft --url "${URL[$t]}" --model bench-stream --tokens 2 --requests "$STREAMS" --warmup 200 "${hdr[@]}" \
    --out "$WORK/lat-sse-$t.tsv" >"$WORK/probe-sse-$t.txt" 2>"$WORK/perf-sse-$t.err"
  perf script -i "$WORK/perf-sse-$t.data" -F comm,pid,tid,cpu,time,period,event,ip,sym,dso >"$WORK/perf-sse-$t.txt" 2>/dev/null
  rm -f "$WORK/perf-sse-$t.data"
done
kill -CONT "$BARE_PID" "$ROUTER_PID"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "### Tail one request at a time, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`hack/bench/tail.sh $SECONDS_PER_TARGET\`. $(nproc) CPUs; client and stub on CPU 0, proxy on CPU 1; perf samples both CPUs every 100 us. Load average before: $LOAD_BEFORE; after: $LOAD_AFTER."
  echo
  echo "| one request at a time (us) | direct (stub) | bare ASP.NET Core proxy | Daalu router |"
  echo "|---|---:|---:|---:|"
  for run in plain probe; do
    label="without perf"
    [[ $run == probe ]] && label="under perf"
    row="| p50 / p99 / p99.9 $label |"
    for t in "${TARGETS[@]}"; do
      row+=" $(kv p50_us "$WORK/$run-$t.txt") / $(kv p99_us "$WORK/$run-$t.txt") / $(kv p999_us "$WORK/$run-$t.txt") |"
    done
    echo "$row"
  done
  echo
  for t in "${TARGETS[@]}"; do
    proxy=${PID[$t]} stub=$STUB_PID
    # Direct: the stub is the thing under test (on CPU 0, beside the client); nothing is pinned to CPU 1.
    [[ $t == direct ]] && stub=-1
    python3 hack/bench/tail_report.py "$t" "$WORK/lat-$t.tsv" "$WORK/perf-$t.txt" "$proxy" "$stub" "$(kv pid "$WORK/probe-$t.txt")" 12
  done
  for t in "${TARGETS[@]}"; do
    proxy=${PID[$t]} stub=$STUB_PID
    [[ $t == direct ]] && stub=-1
    python3 hack/bench/tail_report.py "$t, SSE: send to first token" "$WORK/lat-sse-$t.tsv" "$WORK/perf-sse-$t.txt" "$proxy" "$stub" \
      "$(kv pid "$WORK/probe-sse-$t.txt")" 12
  done
} | tee "$OUT"
log "written $OUT"

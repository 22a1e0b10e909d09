#!/usr/bin/env bash
# System calls per request, router against the bare ASP.NET Core proxy, one command: hack/bench/syscalls.sh [connections]
#
# On this kind of VM a system call costs microseconds (the loopback send path and the paravirtual interrupt
# handling dominate the router's profile), so the count of calls per request is a stable proxy for the kernel share
# of the CPU per request, one that does not move with the machine's load the way timings do. Starts the stub, the bare
# proxy (hack/bench/Daalu.Bench.BareProxy) and the router (as router.sh does: auth, classification, quota, SQLite
# ledger; the runtime settings of lib.sh for both proxies), drives each with wrk at N connections (default 32) and
# counts the proxy's system calls with `strace -c -f` over 4 s of that load. strace slows the traced process, so read
# the calls per request, not the request rates. Also prints voluntary + involuntary context switches per request
# without strace, one request at a time and at N connections.
# Needs: strace, wrk, curl, node (free ports). Everything on 127.0.0.1, bounded in time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
CONNECTIONS=${1:-32}
BENCH_NAME=syscalls.sh
source hack/bench/lib.sh
need_packages strace:strace wrk:wrk curl:curl node:nodejs taskset:util-linux

log "building the stub, the bare proxy and the router (Release)"
build_release hack/bench/Daalu.Bench.Stub hack/bench/Daalu.Bench.BareProxy router/Daalu.Router
pin_cpus
bench_workdir syscalls

STUB_PORT=$(free_port)
start_stub "$STUB_PORT" --model bench-model --max-num-seqs 4096
BARE_PORT=$(free_port)
start_bare "$BARE_PORT" "$STUB_PORT"
ROUTER_PORT=$(free_port)
bench_router_config "$WORK/router.json" "$STUB_PORT" bench-model
start_router "$ROUTER_PORT"

CHAT='{"model":"bench-model","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":16}'
declare -A URL PID AUTH
URL[bare]="http://127.0.0.1:$BARE_PORT/v1/chat/completions"
URL[daalu]="http://127.0.0.1:$ROUTER_PORT/v1/chat/completions"
PID[bare]=$BARE_PID
PID[daalu]=$ROUTER_PID
AUTH[bare]=""
AUTH[daalu]="Bearer $DAALU_BENCH_KEY"
for t in bare daalu; do
  wait_for_200 "${URL[$t]}" "$CHAT" "${AUTH[$t]}"
  wrk_post_lua "$CHAT" "${AUTH[$t]}" >"$WORK/wrk-$t.lua"
done

# Context switches of every thread of a process, voluntary and involuntary.
ctx_switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'; }
per() { awk -v a="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.2f", a / n; else printf "n/a" }'; }
kv() { sed -n "s/^$1=//p" "$2" | tail -1; }

declare -A R
for t in bare daalu; do
  log "$t: warm-up 20 s at 32 connections"
  "${ON_LOAD[@]}" wrk -t1 -c32 -d20s -s "$WORK/wrk-$t.lua" "${URL[$t]}" >/dev/null 2>&1 || true
  for c in 1 "$CONNECTIONS"; do
    x0=$(ctx_switches "${PID[$t]}")
    "${ON_LOAD[@]}" wrk -t1 -c"$c" -d5s -s "$WORK/wrk-$t.lua" "${URL[$t]}" >"$WORK/ctx-$t-$c.txt" 2>&1 || true
    x1=$(ctx_switches "${PID[$t]}")
    R[$t.ctx$c]=$(per $((x1 - x0)) "$(kv REQS "$WORK/ctx-$t-$c.txt")")
  done
  log "$t: strace -c -f for 4 s at $CONNECTIONS connections"
  "${ON_LOAD[@]}" wrk -t1 -c"$CONNECTIONS" -d7s -s "$WORK/wrk-$t.lua" "${URL[$t]}" >/dev/null 2>&1 &
  wrk_pid=$!
  sleep 1
  timeout -s INT 4 strace -c -f -p "${PID[$t]}" -o "$WORK/strace-$t.txt" >/dev/null 2>&1 || true
  wait "$wrk_pid" || true
  # Every proxied request is one sendto to the client and one to the upstream.
  R[$t.reqs]=$(awk '$NF == "sendto" { print int($4 / 2) }' "$WORK/strace-$t.txt")
done

mkdir -p hack/bench/results
OUT="hack/bench/results/syscalls-$(date -u +%Y%m%dT%H%M%SZ).md"
calls() { awk -v s="$2" '$NF == s { print $4 }' "$WORK/strace-$1.txt"; }
{
  echo "### System calls per request, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`hack/bench/syscalls.sh $CONNECTIONS\`. strace -c -f over 4 s at $CONNECTIONS connections (requests = sendto / 2: one to the client, one upstream); context switches without strace."
  echo
  echo "| per request | bare ASP.NET Core proxy | Daalu router |"
  echo "|---|---:|---:|"
  for s in $(cat "$WORK/strace-bare.txt" "$WORK/strace-daalu.txt" | awk '$NF ~ /^[a-z_0-9]+$/ && $NF != "total" && $4 ~ /^[0-9]+$/ { print $NF }' | sort -u); do
    b=$(calls bare "$s"); d=$(calls daalu "$s")
    bp=$(per "${b:-0}" "${R[bare.reqs]}"); dp=$(per "${d:-0}" "${R[daalu.reqs]}")
    # Calls below 0.05 per request in both are start-up or timer noise.
    awk -v a="$bp" -v b="$dp" 'BEGIN { exit !(a >= 0.05 || b >= 0.05) }' && echo "| \`$s\` | $bp | $dp |"
  done
  echo "| **all system calls** | **$(per "$(calls bare total)" "${R[bare.reqs]}")** | **$(per "$(calls daalu total)" "${R[daalu.reqs]}")** |"
  echo "| context switches, one request at a time | ${R[bare.ctx1]} | ${R[daalu.ctx1]} |"
  echo "| context switches at $CONNECTIONS connections | ${R[bare.ctx$CONNECTIONS]} | ${R[daalu.ctx$CONNECTIONS]} |"
} | tee "$OUT"
log "written $OUT"

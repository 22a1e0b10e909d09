#!/usr/bin/env bash
# The platform floor under the router, one command: hack/bench/floor.sh
#
# Side by side in one run against the same stub as router.sh: direct to the stub, through a bare ASP.NET Core proxy
# (hack/bench/Daalu.Bench.BareProxy: Kestrel in, HttpClient out, nothing else) and through the Daalu router (tenant
# auth, classification, hosted quota and the SQLite metering ledger on; launched as router.sh launches it). It answers
# "how much of the router's added latency and CPU is ASP.NET Core + HttpClient, and how much is the router's own
# work?". Same pinning as router.sh: load generator and stub on CPU 0, the proxy under test on CPU 1.
# Reports: p50/p99 one request at a time, requests/s and CPU per request at 32 connections, SSE time to first token.
# Needs: wrk, curl, node (free ports). Everything on 127.0.0.1, every run bounded in time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
LAT_SECONDS=${LAT_SECONDS:-6}
LOAD_SECONDS=${LOAD_SECONDS:-8}
# Both proxies run with the router's runtime settings (lib.sh), so the control differs from the router only in code.
# PROXY_ENV adds environment to both (never the stub) for side-by-side runtime experiments, e.g.
# PROXY_ENV="DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70" hack/bench/floor.sh
PROXY_ENV=${PROXY_ENV:-}
BENCH_NAME=floor.sh
source hack/bench/lib.sh
need_packages wrk:wrk curl:curl node:nodejs taskset:util-linux

log "building the stub, the bare proxy and the router (Release)"
build_release hack/bench/Daalu.Bench.Stub hack/bench/Daalu.Bench.BareProxy router/Daalu.Router
pin_cpus
bench_workdir floor
CLK_TCK=$(getconf CLK_TCK)

STUB_PORT=$(free_port)
start_stub "$STUB_PORT" --model bench-model --model bench-stream=1000
BARE_PORT=$(free_port)
start_bare "$BARE_PORT" "$STUB_PORT" $PROXY_ENV
ROUTER_PORT=$(free_port)
bench_router_config "$WORK/router.json" "$STUB_PORT" bench-model bench-stream
start_router "$ROUTER_PORT" $PROXY_ENV

CHAT='{"model":"bench-model","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":16}'
floor_targets "$STUB_PORT" "$BARE_PORT" "$ROUTER_PORT" "$CHAT"
declare -A R
kv() { sed -n "s/^$1=//p" "$2" | tail -1; }
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for t in "${TARGETS[@]}"; do
  log "$t: warm-up 20 s at 32 connections (as router.sh: the router's hot path needs ~15 s of load to reach tier 1)"
  "${ON_LOAD[@]}" wrk -t1 -c32 -d20s -s "$WORK/wrk-$t.lua" "${URL[$t]}" >/dev/null 2>&1 || true
  # One connection takes paths 32 do not; they get their own warm-up (as in router.sh).
  "${ON_LOAD[@]}" wrk -t1 -c1 -d5s -s "$WORK/wrk-$t.lua" "${URL[$t]}" >/dev/null 2>&1 || true
  log "$t: one request at a time, ${LAT_SECONDS}s"
  "${ON_LOAD[@]}" wrk -t1 -c1 -d"$LAT_SECONDS"s --timeout 5s -s "$WORK/wrk-$t.lua" "${URL[$t]}" >"$WORK/lat-$t.txt" 2>&1 || true
  R[$t.p50]=$(kv P50 "$WORK/lat-$t.txt")
  R[$t.p99]=$(kv P99 "$WORK/lat-$t.txt")
  log "$t: 32 connections, ${LOAD_SECONDS}s"
  c0=$(cpu_ticks "${PID[$t]}")
  "${ON_LOAD[@]}" wrk -t1 -c32 -d"$LOAD_SECONDS"s --timeout 5s -s "$WORK/wrk-$t.lua" "${URL[$t]}" >"$WORK/load-$t.txt" 2>&1 || true
  c1=$(cpu_ticks "${PID[$t]}")
  n=$(kv REQS "$WORK/load-$t.txt")
  us=$(kv DUR_US "$WORK/load-$t.txt")
  R[$t.rps]=$((n * 1000000 / us))
  R[$t.errs]=$(($(kv ERRS "$WORK/lat-$t.txt") + $(kv ERRS "$WORK/load-$t.txt")))
  R[$t.cpu]=$(((c1 - c0) * 1000000 / CLK_TCK / (n > 0 ? n : 1)))
  log "$t: SSE time to first token (200 streams of 8 tokens)"
  ch=()
  [[ -n ${AUTH[$t]} ]] && ch=(--header "Authorization: ${AUTH[$t]}")
  "${ON_LOAD[@]}" "$STUB" ttft --url "${URL[$t]}" --model bench-stream --tokens 8 --requests 200 --warmup 200 "${ch[@]}" \
    >"$WORK/ttft-$t.txt" 2>"$WORK/ttft-$t.err" || true
  R[$t.ttft]=$(kv ttft_p50_us "$WORK/ttft-$t.txt")
  R[$t.rss]="$(($(awk '$1 == "VmRSS:" {print $2}' "/proc/${PID[$t]}/status") / 1024)) ($(rss_parts_mib "${PID[$t]}"))"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", a - b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else printf "n/a" }'; }
f0() { awk -v a="$1" 'BEGIN { printf "%d", a }'; }
mkdir -p hack/bench/results
OUT="hack/bench/results/floor-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "### Platform floor, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`${PROXY_ENV:+PROXY_ENV=\"$PROXY_ENV\" }hack/bench/floor.sh\`. $(nproc) CPUs; load generator and stub on CPU 0, proxy on CPU 1. Load average before: $LOAD_BEFORE; after: $LOAD_AFTER."
  echo
  echo "| | direct (stub) | bare ASP.NET Core proxy | Daalu router |"
  echo "|---|---:|---:|---:|"
  echo "| latency p50 / p99, one at a time (us) | ${R[direct.p50]} / ${R[direct.p99]} | ${R[bare.p50]} / ${R[bare.p99]} | ${R[daalu.p50]} / ${R[daalu.p99]} |"
  echo "| **added** p50 (us) | - | $(sub "${R[bare.p50]}" "${R[direct.p50]}") | **$(sub "${R[daalu.p50]}" "${R[direct.p50]}")** |"
  echo "| requests/s at 32 connections | ${R[direct.rps]} | ${R[bare.rps]} | **${R[daalu.rps]}** |"
  echo "| CPU per request at 32 connections (us) | (stub) ${R[direct.cpu]} | ${R[bare.cpu]} | **${R[daalu.cpu]}** |"
  echo "| SSE time to first token p50 (us) | $(f0 "${R[direct.ttft]}") | $(f0 "${R[bare.ttft]}") | $(f0 "${R[daalu.ttft]}") |"
  echo "| **added** SSE time to first token p50 (us) | - | $(sub "${R[bare.ttft]}" "${R[direct.ttft]}") | **$(sub "${R[daalu.ttft]}" "${R[direct.ttft]}")** |"
  echo "| HTTP errors | ${R[direct.errs]} | ${R[bare.errs]} | ${R[daalu.errs]} |"
  echo "| RSS at the end (MiB; anon / file / shmem) | (stub) ${R[direct.rss]} | ${R[bare.rss]} | **${R[daalu.rss]}** |"
  echo
  echo "Router / bare proxy: added p50 $(ratio "$(sub "${R[daalu.p50]}" "${R[direct.p50]}")" "$(sub "${R[bare.p50]}" "${R[direct.p50]}")"), requests/s $(ratio "${R[daalu.rps]}" "${R[bare.rps]}"), CPU per request $(ratio "${R[daalu.cpu]}" "${R[bare.cpu]}")."
} | tee "$OUT"
log "written $OUT"

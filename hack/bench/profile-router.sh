#!/usr/bin/env bash
# Where the Daalu router spends its CPU, one command: hack/bench/profile-router.sh [seconds] [connections]
#
# Starts the bench stub and the router (same config as router.sh: auth, classification, quota, metering on) with
# DOTNET_PerfMapEnabled=1 so perf can name JIT-compiled methods, warms up, then samples the router with
# `perf record -e cpu-clock -g` (a software clock: works in VMs without hardware counters) while wrk drives it.
# Prints the top methods by self time and by inclusive time, then the router's CPU by component (the innermost frame of
# Daalu's own code on each sample's stack, hack/bench/profile_components.py); writes them to
# hack/bench/results/profile-router-*.txt.
# Another build (e.g. a NativeAOT publish): DAALU_BENCH_ROUTER=<executable> (its ELF symbols name the compiled methods).
# DAALU_PROFILE_WARMUP=<seconds> (10): longer on a busy machine, so that a JIT build's hot methods reach tier 1 first.
# DAALU_PROFILE_KEEP=<dir>: also keep the sample text (perf.txt) and wrk's output there, for hack/bench/profile_compare.py,
# which puts two builds' profiles side by side in microseconds per request.
# Needs: perf (apt-get install linux-perf), wrk, curl, node (free ports), python3. Everything on 127.0.0.1, bounded in time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SECONDS_TO_SAMPLE=${1:-10}
CONNECTIONS=${2:-1}

BENCH_NAME=profile-router.sh
source hack/bench/lib.sh
need_packages perf:linux-perf wrk:wrk curl:curl node:nodejs python3:python3

build_release hack/bench/Daalu.Bench.Stub
[[ -n ${DAALU_BENCH_ROUTER:-} ]] || build_release router/Daalu.Router
pin_cpus
bench_workdir profile

STUB_PORT=$(free_port)
start_stub "$STUB_PORT" --model bench-model
ROUTER_PORT=$(free_port)
bench_router_config "$WORK/router.json" "$STUB_PORT" bench-model
# Perf maps name JIT code; W^X off keeps JIT code in anonymous memory where perf looks the maps up; ReadyToRun off
# makes every method JIT-compiled (and so named) instead of precompiled code perf cannot name. Hot methods run at
# tier 1 either way after the warm-up.
start_router "$ROUTER_PORT" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0
URL="http://127.0.0.1:$ROUTER_PORT/v1/chat/completions"
CHAT='{"model":"bench-model","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":16}'
wait_for_200 "$URL" "$CHAT" "Bearer $DAALU_BENCH_KEY" || { tail -20 "$WORK/router.log" >&2; exit 1; }
wrk_post_lua "$CHAT" "Bearer $DAALU_BENCH_KEY" >"$WORK/post.lua"
WARMUP=${DAALU_PROFILE_WARMUP:-10}
log "warm-up ${WARMUP} s"
"${ON_LOAD[@]}" wrk -t1 -c8 -d"${WARMUP}"s -s "$WORK/post.lua" "$URL" >/dev/null
log "sampling the router for ${SECONDS_TO_SAMPLE}s at $CONNECTIONS connection(s)"
"${ON_LOAD[@]}" wrk -t1 -c"$CONNECTIONS" -d"$((SECONDS_TO_SAMPLE + 2))"s --latency -s "$WORK/post.lua" "$URL" >"$WORK/wrk.txt" &
WRK_PID=$!
sleep 1
# System-wide on the router's CPU (perf -p misses samples on this kernel), filtered to the router's pid below.
if (($(nproc) >= 2)); then TARGET=(-C 1); else TARGET=(-a); fi
perf record -e cpu-clock -F 1999 -g "${TARGET[@]}" -o "$WORK/perf.data" -- sleep "$SECONDS_TO_SAMPLE" 2>"$WORK/perf.err" >/dev/null
wait "$WRK_PID"
mkdir -p hack/bench/results
OUT="hack/bench/results/profile-router-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# hack/bench/profile-router.sh $SECONDS_TO_SAMPLE $CONNECTIONS  ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo "# wrk during the sample:"
  grep -E 'Requests/sec|requests in|50%|99%' "$WORK/wrk.txt" | sed 's/^/#   /'
  echo "# --- self time, top 40 ---"
  perf report -i "$WORK/perf.data" --pid "$ROUTER_PID" --percentage relative --no-children --sort dso,symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -40 || true
  echo "# --- inclusive time (children), top 60 ---"
  perf report -i "$WORK/perf.data" --pid "$ROUTER_PID" --percentage relative --children --sort symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -60 || true
  echo "# --- by shared object ---"
  perf report -i "$WORK/perf.data" --pid "$ROUTER_PID" --percentage relative --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -15 || true
  echo "# --- by component: the innermost Daalu frame on each sample's stack (hack/bench/profile_components.py) ---"
  perf script -i "$WORK/perf.data" --pid "$ROUTER_PID" -F tid,ip,sym,dso 2>/dev/null >"$WORK/perf.txt" || true
  python3 hack/bench/profile_components.py "$WORK/perf.txt" 30 || true
} | tee "$OUT"
log "written $OUT"
if [[ -n ${DAALU_PROFILE_KEEP:-} ]]; then
  mkdir -p "$DAALU_PROFILE_KEEP"
  cp "$WORK/perf.txt" "$WORK/wrk.txt" "$DAALU_PROFILE_KEEP/"
  # Requests completed while perf sampled (wrk ran 2 s longer): requests/s times the sampled seconds.
  awk -v s="$SECONDS_TO_SAMPLE" '/Requests\/sec/ {printf "%.0f\n", $2 * s}' "$WORK/wrk.txt" >"$DAALU_PROFILE_KEEP/requests"
  log "kept perf.txt, wrk.txt and requests in $DAALU_PROFILE_KEEP"
fi

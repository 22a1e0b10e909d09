#!/usr/bin/env bash
# Two router builds side by side in one run: CPU per request, alternating, one command:
#   hack/bench/ab-cpu.sh <router A executable> <router B executable> [rounds] [seconds] [connections]
#
# Both routers run at once against one bench stub, each with its own ledger, on the same CPU (the proxy CPU of
# pin_cpus); wrk drives A, then B, then A ... for `rounds` rounds of `seconds` each. For every run the router's CPU
# (utime + stime from /proc/<pid>/stat) is divided by the requests wrk completed, so a busy machine slows both builds
# alike and the ratio of the medians is what to quote (absolute times here are noise). Writes the table to stdout and
# hack/bench/results/ab-cpu-<UTC time>.md. DAALU_AB_WARMUP=<seconds> (5): the warm-up per router before the rounds; longer
# on a busy machine, so that a JIT build's hot methods reach tier 1 before round 1. The summary adds the median of the
# per-round ratios B/A (each round's two runs are seconds apart, so the machine's load changes least between them) and
# in how many rounds B used more CPU per request than A.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
A=${1:?router A executable}
B=${2:?router B executable}
ROUNDS=${3:-6}
SECS=${4:-5}
CONNS=${5:-8}

BENCH_NAME=ab-cpu.sh
source hack/bench/lib.sh
need_packages wrk:wrk curl:curl node:nodejs
build_release hack/bench/Daalu.Bench.Stub
pin_cpus
bench_workdir ab

STUB_PORT=$(free_port)
start_stub "$STUB_PORT" --model bench-model
bench_router_config "$WORK/router.json" "$STUB_PORT" bench-model
CHAT='{"model":"bench-model","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":16}'
wrk_post_lua "$CHAT" "Bearer $DAALU_BENCH_KEY" >"$WORK/post.lua"

declare -A PORT PIDOF
for side in A B; do
  PORT[$side]=$(free_port)
  if [[ $side == A ]]; then ROUTER=$A; else ROUTER=$B; fi
  # start_router keeps its ledger and log under WORK: one directory per router.
  mkdir -p "$WORK/$side"
  cp "$WORK/router.json" "$WORK/$side/router.json"
  TOP=$WORK
  WORK=$TOP/$side
  start_router "${PORT[$side]}"
  WORK=$TOP
  PIDOF[$side]=$ROUTER_PID
  wait_for_200 "http://127.0.0.1:${PORT[$side]}/v1/chat/completions" "$CHAT" "Bearer $DAALU_BENCH_KEY" \
    || { tail -20 "$WORK/$side/router.log" >&2; exit 1; }
  log "router $side ($ROUTER) on ${PORT[$side]}"
  "${ON_LOAD[@]}" wrk -t1 -c"$CONNS" -d"${DAALU_AB_WARMUP:-5}"s -s "$WORK/post.lua" "http://127.0.0.1:${PORT[$side]}/v1/chat/completions" >/dev/null
done

rows=()
declare -A ALL RPS
RATIOS=""
MORE=0
for ((r = 1; r <= ROUNDS; r++)); do
  for side in A B; do
    pid=${PIDOF[$side]}
    before=$(cpu_ticks "$pid")
    out=$("${ON_LOAD[@]}" wrk -t1 -c"$CONNS" -d"${SECS}s" -s "$WORK/post.lua" "http://127.0.0.1:${PORT[$side]}/v1/chat/completions")
    after=$(cpu_ticks "$pid")
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    us=$(awk -v t=$((after - before)) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
    ALL[$side]+="$us "
    RPS[$side]+="$rps "
    rows+=("| $r | $side | $n | $rps | $us | ${non2xx:-0} |")
    log "round $r $side: $us us/request, $rps requests/s"
    if [[ $side == A ]]; then usA=$us; else
      RATIOS+="$(awk -v a="$usA" -v b="$us" 'BEGIN {printf "%.3f", b / a}') "
      awk -v a="$usA" -v b="$us" 'BEGIN {exit !(b > a)}' && MORE=$((MORE + 1))
    fi
  done
done
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mA=$(median "${ALL[A]}")
mB=$(median "${ALL[B]}")
mkdir -p hack/bench/results
OUT="hack/bench/results/ab-cpu-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "### Router A/B, CPU per request, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`hack/bench/ab-cpu.sh A B $ROUNDS $SECS $CONNS\`. A = \`$A\`, B = \`$B\`. Both routers up at once on CPU 1,"
  echo "wrk and the stub on CPU 0; $CONNS connections, $SECS s per run, alternating. Load average: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| round | build | requests | requests/s | router CPU per request (us) | non-2xx |"
  echo "|---:|---|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Median CPU per request: A $mA us, B $mB us; B/A = $(awk -v a="$mA" -v b="$mB" 'BEGIN {printf "%.3f", b / a}')."
  echo "Median of the per-round ratios B/A: $(median "$RATIOS"); B used more CPU per request in $MORE of $ROUNDS rounds."
  echo "Median requests/s: A $(median "${RPS[A]}"), B $(median "${RPS[B]}") (B/A $(awk -v a="$(median "${RPS[A]}")" -v b="$(median "${RPS[B]}")" 'BEGIN {printf "%.3f", b / a}'))."
  echo "Warm-up per router: ${DAALU_AB_WARMUP:-5} s."
} | tee "$OUT"

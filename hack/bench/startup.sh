#!/usr/bin/env bash
# Router start-up, side by side, one command: hack/bench/startup.sh <router executable>... [-- rounds]
#
# For each round and each executable in turn (alternating, so a busy machine slows all alike): start the router as
# deployed (lib.sh start_router: the runtime settings, the benchmarks' configuration, a fresh SQLite ledger) against
# one bench stub, and measure the time from the exec to the first answer on /healthz and to the first 200 of a chat
# completion through the router (tenant auth, classification, quota, metering, the forward), then the resident memory
# of the idle router after that one call. Reports each build's median and every round. Writes the table to stdout and
# hack/bench/results/startup-<UTC time>.md. Everything on 127.0.0.1, bounded in time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BENCH_NAME=startup.sh
source hack/bench/lib.sh
need_packages curl:curl node:nodejs

EXES=()
ROUNDS=5
while (($#)); do
  if [[ $1 == -- ]]; then ROUNDS=${2:-5}; break; fi
  EXES+=("$1")
  shift
done
((${#EXES[@]})) || { echo "usage: hack/bench/startup.sh <router executable>... [-- rounds]" >&2; exit 2; }
build_release hack/bench/Daalu.Bench.Stub
pin_cpus
bench_workdir startup
STUB_PORT=$(free_port)
start_stub "$STUB_PORT" --model bench-model
bench_router_config "$WORK/router.json" "$STUB_PORT" bench-model
CHAT='{"model":"bench-model","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":16}'
wait_for_200 "http://127.0.0.1:$STUB_PORT/v1/chat/completions" "$CHAT"

now_ms() { date +%s%3N; }
declare -A HEALTH CHATMS RSS
rows=()
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= ROUNDS; r++)); do
  for i in "${!EXES[@]}"; do
    port=$(free_port)
    rm -rf "$WORK/ledger-r$i"
    t0=$(now_ms)
    ROUTER_NAME="r$i" ROUTER_EXE=${EXES[i]} start_router "$port"
    pid=$ROUTER_PID
    th=""
    for ((k = 0; k < 3000; k++)); do
      if [[ -z $th ]] && curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz"; then th=$(($(now_ms) - t0)); fi
      if [[ -n $th ]] && [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Authorization: Bearer $DAALU_BENCH_KEY" \
        -H 'Content-Type: application/json' -d "$CHAT" "http://127.0.0.1:$port/v1/chat/completions") == 200 ]]; then
        break
      fi
      sleep 0.01
    done
    tc=$(($(now_ms) - t0))
    rss=$(($(awk '$1 == "VmRSS:" {print $2}' "/proc/$pid/status") / 1024))
    parts=$(rss_parts_mib "$pid")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    HEALTH[$i]+="$th "
    CHATMS[$i]+="$tc "
    RSS[$i]+="$rss "
    rows+=("| $r | ${EXES[i]} | $th | $tc | $rss | $parts |")
    log "round $r ${EXES[i]}: healthz $th ms, first chat $tc ms, RSS $rss MiB"
  done
done
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mkdir -p hack/bench/results
OUT="hack/bench/results/startup-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "### Router start-up, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`hack/bench/startup.sh ${EXES[*]} -- $ROUNDS\`. Router pinned to CPU 1, stub and curl to CPU 0; alternating."
  echo "Load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| build | median ms to /healthz | median ms to the first 200 chat | median RSS after it (MiB) |"
  echo "|---|---:|---:|---:|"
  for i in "${!EXES[@]}"; do
    echo "| ${EXES[i]} | $(median "${HEALTH[$i]}") | $(median "${CHATMS[$i]}") | $(median "${RSS[$i]}") |"
  done
  echo
  echo "| round | build | ms to /healthz | ms to first 200 chat | RSS (MiB) | anon / file / shmem (MiB) |"
  echo "|---:|---|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
} | tee "$OUT"

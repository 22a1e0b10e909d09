#!/usr/bin/env bash
# The router's resident memory under load with the cores NOT pinned, one command: hack/bench/footprint.sh "ENV A" "ENV B" ...
#
# router.sh pins the router to one core, where the runtime always runs workstation GC; a pod with a 2-core limit sees two
# cores and, by default, server GC. This starts one router per argument (each argument: extra environment, VAR=VALUE
# words, may be empty), all unpinned, drives each in turn with wrk at 256 connections for 10 s (the same request as
# router.sh), and reports each router's GC mode (server GC names its threads ".NET Server GC"), VmRSS and its
# anon / file / shmem parts after the load. A word exe=PATH in an argument runs that router executable instead of the
# Release build (e.g. a NativeAOT publish: "exe=/tmp/daalu-aot/router/Daalu.Router"). Everything on 127.0.0.1, bounded
# in time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BENCH_NAME=footprint.sh
source hack/bench/lib.sh
need_packages wrk:wrk curl:curl node:nodejs
build_release hack/bench/Daalu.Bench.Stub router/Daalu.Router
ON_LOAD=()
ON_PROXY=()
bench_workdir footprint
STUB_PORT=$(free_port)
start_stub "$STUB_PORT" --max-num-seqs 4096 --model bench-model
bench_router_config "$WORK/router.json" "$STUB_PORT" bench-model
CHAT='{"model":"bench-model","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":16}'
wrk_post_lua "$CHAT" "Bearer $DAALU_BENCH_KEY" >"$WORK/post.lua"
declare -a RPIDS RPORTS
i=0
for envs in "$@"; do
  port=$(free_port)
  exe=$ROUTER
  words=()
  for w in $envs; do if [[ $w == exe=* ]]; then exe=${w#exe=}; else words+=("$w"); fi; done
  ROUTER_NAME="router-$i" ROUTER_EXE=$exe start_router "$port" "${words[@]}"
  RPIDS[i]=$ROUTER_PID
  RPORTS[i]=$port
  i=$((i + 1))
done
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
OUT="hack/bench/results/footprint-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "### Router footprint, unpinned, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`hack/bench/footprint.sh$(printf ' "%s"' "$@")\`. $(nproc) CPUs, nothing pinned. Load average before: $LOAD_BEFORE."
  echo
  echo "| extra environment | GC | requests/s at 256 connections | VmRSS after (MiB) | anon / file / shmem (MiB) | threads |"
  echo "|---|---|---:|---:|---:|---:|"
} >"$OUT"
i=0
for envs in "$@"; do
  url="http://127.0.0.1:${RPORTS[i]}/v1/chat/completions"
  wait_for_200 "$url" "$CHAT" "Bearer $DAALU_BENCH_KEY"
  wrk -t1 -c32 -d5s -s "$WORK/post.lua" "$url" >/dev/null 2>&1 || true
  wrk -t1 -c256 -d10s --timeout 5s -s "$WORK/post.lua" "$url" >"$WORK/load-$i.txt" 2>&1 || true
  pid=${RPIDS[i]}
  gc=workstation
  grep -qx '.NET Server GC' /proc/"$pid"/task/*/comm 2>/dev/null && gc=server
  n=$(sed -n 's/^REQS=//p' "$WORK/load-$i.txt")
  us=$(sed -n 's/^DUR_US=//p' "$WORK/load-$i.txt")
  echo "| ${envs:-(none)} | $gc | $((n * 1000000 / us)) | $(($(awk '$1 == "VmRSS:" {print $2}' "/proc/$pid/status") / 1024)) | $(rss_parts_mib "$pid") | $(ls /proc/"$pid"/task | wc -l) |" >>"$OUT"
  i=$((i + 1))
done
cat "$OUT"
log "written $OUT"

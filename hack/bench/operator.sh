#!/usr/bin/env bash
# Operator scale benchmark, one command: hack/bench/operator.sh [--quick]
#
# 1,000 ModelServings on 100 GpuNodes against the in-process Kubernetes API test server (tests/Daalu.KubeApiServer,
# on 127.0.0.1) with the real operator binary in its own process: time until every status has settled, API writes
# per object (the server logs every request), operator RSS and CPU. The driver (hack/bench/Daalu.Bench.Operator,
# built by path, not part of the solution) runs on CPU 0 with the API server; the operator gets CPU 1.
# --quick: 100 ModelServings on 10 GpuNodes.
# Writes the Markdown report to stdout and to hack/bench/results/operator-<UTC time>.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

NODES=100
SERVINGS=1000
CMD="hack/bench/operator.sh"
if [[ ${1:-} == --quick ]]; then
  NODES=10
  SERVINGS=100
  CMD+=" --quick"
fi

BENCH_NAME=operator.sh
source hack/bench/lib.sh
need_packages taskset:util-linux

log "building the operator and the driver (Release)"
build_release operator/Daalu.Operator hack/bench/Daalu.Bench.Operator

DRIVER=(dotnet hack/bench/Daalu.Bench.Operator/bin/Release/net10.0/Daalu.Bench.Operator.dll)
CPU_ARGS=()
if (($(nproc) >= 2)); then
  DRIVER=(taskset -c 0 "${DRIVER[@]}")
  CPU_ARGS=(--operator-cpu 1)
fi

mkdir -p hack/bench/results
OUT="hack/bench/results/operator-$(date -u +%Y%m%dT%H%M%SZ).md"
"${DRIVER[@]}" --operator operator/Daalu.Operator/bin/Release/net10.0/Daalu.Operator --crds crds \
  --nodes "$NODES" --servings "$SERVINGS" "${CPU_ARGS[@]}" --quiet-s 3 --timeout-s 180 --out "$OUT.tmp" || status=$?
{
  echo "Command: \`$CMD\`. Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo))."
  echo
  cat "$OUT.tmp"
} >"$OUT"
rm -f "$OUT.tmp"
log "written $OUT"
exit "${status:-0}"

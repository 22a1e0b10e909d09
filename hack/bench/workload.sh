#!/usr/bin/env bash
# The workload benchmark (issue 21): round-robin (nginx's default, the control), the router's former least-in-flight
# picker and the load- and prefix-aware picker, on simulated vLLM engines (router/Daalu.Engine.Simulator) in virtual
# time: agent loops, chat bursts and a mixed day at 20..120 % of own capacity. One command, about a minute:
#   bash hack/bench/workload.sh            # full run, results into hack/bench/results/workload-<UTC>.md
#   bash hack/bench/workload.sh --quick    # 120 s runs at 40/80/120 %
#   options: --only Agent|ChatBurst|MixedDay, --loads 20,80, --seed N (other arrivals, to see a p99's spread by chance)
# Round-robin is modelled (the own replicas in turn, no tiers: what nginx's upstream block does), not run through
# nginx: nginx cannot run in virtual time, and in real time it adds well under a millisecond (hack/bench/router.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p hack/bench/results
out="hack/bench/results/workload-$(date -u +%Y%m%dT%H%M%SZ).md"
dotnet build hack/bench/Daalu.Bench.Workload -c Release -nologo -v q
dotnet run --no-build -c Release --project hack/bench/Daalu.Bench.Workload -- --out "$out" "$@"
echo "wrote $out" >&2

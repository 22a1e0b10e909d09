# Shared by the hack/bench scripts (sourced, not run). Set BENCH_NAME before sourcing.

log() { printf '[%s %s] %s\n' "${BENCH_NAME:-bench}" "$(date -u +%H:%M:%S)" "$*" >&2; }

# need_packages COMMAND:DEBIAN_PACKAGE ...: installs (apt-get, with sudo when not root) the packages whose command is missing.
need_packages() {
  local missing=() pair sudo=""
  for pair; do command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}"); done
  ((${#missing[@]})) || return 0
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  log "installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The router's runtime settings as deployed (Dockerfile, config/router, the operator's Deployment; a test keeps those
# three in step): tier-1 JIT without the start-up delay, no thread-pool spinning, socket completions without a
# thread-pool hop. Use as: env "${ROUTER_RUNTIME_ENV[@]}" command ...
ROUTER_RUNTIME_ENV=(DOTNET_TC_CallCountingDelayMs=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1)

# A free TCP port on 127.0.0.1.
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# The wrk done() hook that prints exact percentiles in microseconds, requests, errors and the duration as KEY=value lines.
wrk_report_lua() {
  cat <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("P50=%d\nP99=%d\nREQS=%d\nERRS=%d\nDUR_US=%d\n", latency:percentile(50), latency:percentile(99),
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout, summary.duration))
end
LUA
}

# Release outputs of the projects the scripts run (build them with build_release first).
STUB=hack/bench/Daalu.Bench.Stub/bin/Release/net10.0/Daalu.Bench.Stub
BARE=hack/bench/Daalu.Bench.BareProxy/bin/Release/net10.0/Daalu.Bench.BareProxy
# DAALU_BENCH_ROUTER measures another build of the router instead (an executable path, e.g. a ReadyToRun publish).
ROUTER=${DAALU_BENCH_ROUTER:-router/Daalu.Router/bin/Release/net10.0/Daalu.Router}

# build_release PROJECT...: builds each project in Release, quietly.
build_release() { local p; for p; do dotnet build "$p" -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null; done; }

# pin_cpus: sets ON_LOAD and ON_PROXY to taskset prefixes (load generator and stub on CPU 0, the proxy under test on
# CPU 1) when there are two CPUs or more, and to nothing otherwise.
pin_cpus() {
  ON_LOAD=()
  ON_PROXY=()
  if (($(nproc) >= 2)); then ON_LOAD=(taskset -c 0); ON_PROXY=(taskset -c 1); fi
}

# bench_workdir NAME: a fresh WORK directory and an empty PIDS list; on exit every pid in PIDS is stopped and WORK
# removed.
bench_workdir() {
  WORK=$(mktemp -d "/tmp/daalu-bench-$1.XXXXXX")
  PIDS=()
  trap bench_cleanup EXIT
}
bench_cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}

# bench_router_config FILE STUB_PORT MODEL...: the router configuration every script measures. One tenant on a hosted
# plan whose limits never bind, so tenant auth, classification, the quota reservation and the metering ledger all run;
# the stub is its one hosted backend. Exports DAALU_BENCH_KEY, the tenant's key, with a fresh random value.
bench_router_config() {
  local file=$1 port=$2 models
  shift 2
  models=$(printf '"%s", ' "$@")
  export DAALU_BENCH_KEY="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  cat >"$file" <<JSON
{ "version": 1,
  "tenants": [{ "name": "bench", "keys": [{ "env": "DAALU_BENCH_KEY" }],
    "plan": { "enrolled": true, "monthlyTokenBudget": 1000000000000, "tokensPerMinute": 1000000000000,
              "requestsPerMinute": 2000000000, "defaultMaxTokens": 64, "inputPerMTok": 0.1, "outputPerMTok": 0.2 } }],
  "backends": [{ "name": "stub", "tier": "Hosted", "url": "http://127.0.0.1:$port", "models": [${models%, }], "capability": 2 }],
  "policies": [{ "name": "default", "tiers": ["Hosted"] }] }
JSON
}

# wrk_post_lua BODY [AUTHORIZATION]: a wrk script that POSTs the JSON BODY (with that Authorization header, if given),
# with the report hook.
wrk_post_lua() {
  echo 'wrk.method = "POST"'
  printf 'wrk.body = [[%s]]\n' "$1"
  echo 'wrk.headers["Content-Type"] = "application/json"'
  if [[ -n ${2:-} ]]; then printf 'wrk.headers["Authorization"] = "%s"\n' "$2"; fi
  wrk_report_lua
}

# wait_for_200 URL BODY [AUTHORIZATION]: polls (up to 60 s) until a POST of BODY to URL answers 200.
wait_for_200() {
  local code="" i
  for ((i = 0; i < 600; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Authorization: ${3:-none}" -H 'Content-Type: application/json' -d "$2" "$1" || true)
    [[ $code == 200 ]] && return 0
    sleep 0.1
  done
  log "$1 does not answer 200 (last $code)"
  return 1
}

# start_stub PORT ARGS...: the bench stub (`serve` with ARGS) on PORT, pinned with ON_LOAD; sets STUB_PID and adds it to
# PIDS.
start_stub() {
  local port=$1
  shift
  "${ON_LOAD[@]}" "$STUB" serve --port "$port" "$@" >"$WORK/stub.log" 2>&1 &
  STUB_PID=$!
  PIDS+=("$STUB_PID")
}

# start_bare PORT STUB_PORT [VAR=VALUE...]: the bare ASP.NET Core proxy in front of the stub, with the router's runtime
# settings and any extra environment, pinned with ON_PROXY; sets BARE_PID and adds it to PIDS.
start_bare() {
  local port=$1 stub_port=$2
  shift 2
  env "${ROUTER_RUNTIME_ENV[@]}" "$@" "${ON_PROXY[@]}" "$BARE" "http://127.0.0.1:$stub_port" --urls "http://127.0.0.1:$port" \
    >"$WORK/bare.log" 2>&1 &
  BARE_PID=$!
  PIDS+=("$BARE_PID")
}

# floor_targets STUB_PORT BARE_PORT ROUTER_PORT BODY: the three targets floor.sh and tail.sh compare, after start_stub,
# start_bare and start_router: TARGETS (direct, bare, daalu) and the maps URL, PID and AUTH. Waits until each answers a
# POST of BODY with 200 and writes its wrk script to $WORK/wrk-<target>.lua.
floor_targets() {
  local t
  TARGETS=(direct bare daalu)
  declare -gA URL PID AUTH
  URL[direct]="http://127.0.0.1:$1/v1/chat/completions"
  URL[bare]="http://127.0.0.1:$2/v1/chat/completions"
  URL[daalu]="http://127.0.0.1:$3/v1/chat/completions"
  PID[direct]=$STUB_PID PID[bare]=$BARE_PID PID[daalu]=$ROUTER_PID
  AUTH[direct]="" AUTH[bare]="" AUTH[daalu]="Bearer $DAALU_BENCH_KEY"
  for t in "${TARGETS[@]}"; do
    wait_for_200 "${URL[$t]}" "$4" "${AUTH[$t]}" || return 1
    wrk_post_lua "$4" "${AUTH[$t]}" >"$WORK/wrk-$t.lua"
  done
}

# start_router PORT [VAR=VALUE...]: starts the router as deployed (the runtime settings above, the ledger in a
# directory of its own: the config watcher sees every write in the config's directory) on PORT with
# $WORK/router.json, pinned with ON_PROXY, with any extra environment; sets ROUTER_PID and adds it to PIDS.
# A second router in the same WORK: set ROUTER_NAME (its log $WORK/<name>.log, its ledger $WORK/ledger-<name>/) and,
# for another build, ROUTER_EXE.
start_router() {
  local port=$1 name=${ROUTER_NAME:-router} exe=${ROUTER_EXE:-$ROUTER} ledger=$WORK/ledger
  shift
  [[ $name != router ]] && ledger=$WORK/ledger-$name
  mkdir -p "$ledger"
  env "${ROUTER_RUNTIME_ENV[@]}" "$@" "${ON_PROXY[@]}" "$exe" --config "$WORK/router.json" --urls "http://127.0.0.1:$port" \
    --ledger "$ledger/ledger.db" >"$WORK/$name.log" 2>&1 &
  ROUTER_PID=$!
  PIDS+=("$ROUTER_PID")
}

# rss_parts_mib PID: "anon / file / shmem" resident MiB of a process (RssAnon, RssFile, RssShmem of /proc/PID/status):
# the GC heap and native allocations, the mapped runtime and assemblies, and shared-memory mappings (the runtime's
# double-mapped JIT code when W^X is on).
rss_parts_mib() {
  awk '$1 == "RssAnon:" {a = $2} $1 == "RssFile:" {f = $2} $1 == "RssShmem:" {s = $2}
    END {printf "%d / %d / %d", a / 1024, f / 1024, s / 1024}' "/proc/$1/status"
}

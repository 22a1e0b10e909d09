#!/usr/bin/env bash
# Router overhead benchmark, one command: hack/bench/router.sh [--quick]
#
# Runs one fast vLLM-shaped stub (hack/bench/Daalu.Bench.Stub) and measures, side by side in one run, four ways
# of reaching it: direct; through nginx (upstream keepalive, HTTP/1.1, no buffering); through the Daalu router
# (tenant auth, request class and complexity classification, hosted-tier quota reservation and SQLite metering
# all on); through Portkey's open-source gateway (@portkey-ai/gateway, OpenAI provider with a custom host).
# Every process listens on 127.0.0.1; every load run is bounded in time or count.
#
# Cores (2 here): the load generators and the stub share CPU 0, the proxy under test gets CPU 1 to itself, so
# the "direct" baseline includes the same client+stub cost as the proxied runs and the difference is the proxy.
#
# Needs: Debian (apt-get: wrk nginx-light jq curl nodejs npm; installs what is missing, with sudo when not root),
# the .NET SDK, and the npm registry for @portkey-ai/gateway (installed under ~/.cache/daalu-bench/portkey).
# Writes the Markdown table to stdout and to hack/bench/results/router-<UTC time>[-<label>].md.
#
# Side-by-side runtime experiments (all optional, environment variables):
#   DAALU_BENCH_ROUTER_ENV="VAR=VALUE ..."  extra environment for the router (e.g. "DOTNET_gcServer=0").
#   DAALU_BENCH_B_ENV="VAR=VALUE ..."       a second router, "daalu-b", from the same build with this extra environment
#                                           (may be empty), measured right after the first in the same run; swap the two
#                                           between runs so that neither always goes first.
#   DAALU_BENCH_B_ROUTER=<executable>       the second router from another build (alone or with DAALU_BENCH_B_ENV).
#   DAALU_BENCH_NO_PORTKEY=1                leave Portkey out (its columns and ratios), a shorter run.
#   DAALU_BENCH_LABEL=<text>                appended to the results file name.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

QUICK=0
[[ ${1:-} == --quick ]] && QUICK=1
LAT_SECONDS=$((QUICK ? 2 : 5))       # one-at-a-time latency run per target
# Warm-up per target (JIT tiering, connection pools): the router needs ~12-18 s under load before its hot path is
# tier-1 code (docs/benchmarks.md, "JIT tiering"); every target gets the same warm-up.
WARM_SECONDS=$((QUICK ? 2 : 20))
STEP_SECONDS=$((QUICK ? 1 : 2))      # each concurrency step of the throughput search
STEPS=(1 2 4 8 16 32 64 128 256)
TTFT_REQUESTS=$((QUICK ? 50 : 200))
STREAMS=$((QUICK ? 200 : 1000))
P99_LIMIT_US=10000
PORTKEY_VERSION=1.15.2
CACHE=${DAALU_BENCH_CACHE:-$HOME/.cache/daalu-bench}

BENCH_NAME=router.sh
source hack/bench/lib.sh

# ---- tools -----------------------------------------------------------------------------------------------
PATH="$PATH:/usr/sbin" # nginx lives there, off a non-root PATH
need_packages wrk:wrk nginx:nginx-light jq:jq curl:curl node:nodejs npm:npm taskset:util-linux
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
ROUTER_ENV=${DAALU_BENCH_ROUTER_ENV:-}
WITH_B=0
[[ -v DAALU_BENCH_B_ENV || -n ${DAALU_BENCH_B_ROUTER:-} ]] && WITH_B=1
B_ENV=${DAALU_BENCH_B_ENV:-}
WITH_PORTKEY=1
[[ -n ${DAALU_BENCH_NO_PORTKEY:-} ]] && WITH_PORTKEY=0
PORTKEY_DIR="$CACHE/portkey-$PORTKEY_VERSION"
PORTKEY_BUILD="$PORTKEY_DIR/node_modules/@portkey-ai/gateway/build"
if ((WITH_PORTKEY)) && [[ ! -f $PORTKEY_BUILD/start-server.js ]]; then
  log "installing @portkey-ai/gateway@$PORTKEY_VERSION into $PORTKEY_DIR"
  mkdir -p "$PORTKEY_DIR"
  echo '{"name":"daalu-bench-portkey","private":true}' >"$PORTKEY_DIR/package.json"
  npm install --prefix "$PORTKEY_DIR" --no-audit --no-fund --loglevel=error "@portkey-ai/gateway@$PORTKEY_VERSION" >/dev/null
fi
# Portkey's streaming fails on Node ("TypeError: immutable" in updateHeaders, Portkey-AI/gateway#1389 and #1550):
# @hono/node-server's global Response override hands it immutable headers. The SSE rows therefore use a copy
# started with overrideGlobalObjects off; the request/response rows use the gateway exactly as published.
PORTKEY_MAIN="$PORTKEY_BUILD/start-server.js"
PORTKEY_STREAM_MAIN="$PORTKEY_BUILD/start-server-daalu-bench-stream.js"
if ((WITH_PORTKEY)); then
  if ! grep -q 'Gu(e({fetch:Lu.fetch,port:Ku}))' "$PORTKEY_MAIN"; then
    log "unexpected Portkey build: cannot find its serve() call to make the streaming copy"
    exit 1
  fi
  sed 's/Gu(e({fetch:Lu.fetch,port:Ku}))/Gu(e({fetch:Lu.fetch,port:Ku,overrideGlobalObjects:!1}))/' "$PORTKEY_MAIN" >"$PORTKEY_STREAM_MAIN"
fi

log "building the stub and the router (Release)"
build_release hack/bench/Daalu.Bench.Stub router/Daalu.Router

# ---- cores -----------------------------------------------------------------------------------------------
if (($(nproc) >= 2)); then
  ON_LOAD=(taskset -c 0)
  ON_PROXY=(taskset -c 1)
  PINNING="load generators and stub on CPU 0, proxy under test on CPU 1"
else
  ON_LOAD=()
  ON_PROXY=()
  PINNING="not pinned (one CPU)"
fi

# ---- processes -------------------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/daalu-bench-router.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n ${DAALU_BENCH_KEEP:-} ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

wait_for() { # url [header...]: until it answers 200, at most 60 s
  local url=$1 i
  shift
  for ((i = 0; i < 600; i++)); do
    if curl -sf -o /dev/null --max-time 2 "$@" "$url"; then return 0; fi
    sleep 0.1
  done
  log "timed out waiting for $url"
  return 1
}
rss_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
CLK_TCK=$(getconf CLK_TCK)

# Three served names on one stub: a fast one for request/response, one with a 1 ms gap between stream events
# (time to first token and per-event gap) and one with a 20 ms gap so that 1,000 streams of 50 tokens overlap.
STUB_PORT=$(free_port)
# --max-num-seqs 4096: an engine with room for the 1,000-stream test, so the router's saturation skip (KV cache >= 95 %,
# read from the stub's metrics every probe interval) measures nothing here; with vLLM's default 256 a probe that lands
# during the ramp marks the stub saturated and the router refuses the remaining streams with 503, as designed.
start_stub "$STUB_PORT" --max-num-seqs 4096 --model bench-model --model bench-stream=1000 --model bench-long=20000 --tokens 16
wait_for "http://127.0.0.1:$STUB_PORT/health"

NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
master_process off;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  upstream stub { server 127.0.0.1:$STUB_PORT; keepalive 512; }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://stub;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 120s;
    }
  }
}
EOF
"${ON_PROXY[@]}" "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_for "http://127.0.0.1:$NGINX_PORT/health"

ROUTER_PORT=$(free_port)
bench_router_config "$WORK/router.json" "$STUB_PORT" bench-model bench-stream bench-long
# shellcheck disable=SC2086 # VAR=VALUE words
start_router "$ROUTER_PORT" $ROUTER_ENV
ROUTER_A_PID=$ROUTER_PID
if ((WITH_B)); then
  ROUTER_B_PORT=$(free_port)
  # shellcheck disable=SC2086
  ROUTER_NAME=router-b ROUTER_EXE=${DAALU_BENCH_B_ROUTER:-$ROUTER} start_router "$ROUTER_B_PORT" $B_ENV
  ROUTER_B_PID=$ROUTER_PID
  ROUTER_PID=$ROUTER_A_PID
fi

if ((WITH_PORTKEY)); then
PORTKEY_PORT=$(free_port)
cat >"$WORK/loopback.cjs" <<'EOF'
// Makes a server that listens on a bare port (Portkey's gateway does) listen on 127.0.0.1 only.
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') {
    args.splice(1, args[1] === undefined ? 1 : 0, '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && !args[0].host) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
EOF
NODE_ENV=production "${ON_PROXY[@]}" node --require "$WORK/loopback.cjs" "$PORTKEY_MAIN" --port="$PORTKEY_PORT" --headless \
  >"$WORK/portkey.log" 2>&1 &
PORTKEY_PID=$!
PIDS+=("$PORTKEY_PID")
PORTKEY_STREAM_PORT=$(free_port)
NODE_ENV=production "${ON_PROXY[@]}" node --require "$WORK/loopback.cjs" "$PORTKEY_STREAM_MAIN" --port="$PORTKEY_STREAM_PORT" --headless \
  >"$WORK/portkey-stream.log" 2>&1 &
PORTKEY_STREAM_PID=$!
PIDS+=("$PORTKEY_STREAM_PID")
fi

CHAT='{"model":"bench-model","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":16}'
TARGETS=(direct nginx daalu)
ROUTERS=(daalu)
((WITH_B)) && TARGETS+=(daalu-b) && ROUTERS+=(daalu-b)
((WITH_PORTKEY)) && TARGETS+=(portkey)
declare -A URL PID HDRS SSE_URL SSE_PID NAME
URL[direct]="http://127.0.0.1:$STUB_PORT/v1/chat/completions"
URL[nginx]="http://127.0.0.1:$NGINX_PORT/v1/chat/completions"
URL[daalu]="http://127.0.0.1:$ROUTER_PORT/v1/chat/completions"
PID[direct]=$STUB_PID
PID[nginx]=$NGINX_PID
PID[daalu]=$ROUTER_PID
NAME[direct]="direct (stub)"
NAME[nginx]=nginx
NAME[daalu]="Daalu router${ROUTER_ENV:+ ($ROUTER_ENV)}"
HDRS[direct]=""
HDRS[nginx]=""
HDRS[daalu]="Authorization: Bearer $DAALU_BENCH_KEY"
if ((WITH_B)); then
  URL[daalu-b]="http://127.0.0.1:$ROUTER_B_PORT/v1/chat/completions"
  PID[daalu-b]=$ROUTER_B_PID
  NAME[daalu-b]="Daalu router B${DAALU_BENCH_B_ROUTER:+ ($DAALU_BENCH_B_ROUTER)}${B_ENV:+ ($B_ENV)}"
  HDRS[daalu-b]=${HDRS[daalu]}
fi
if ((WITH_PORTKEY)); then
  URL[portkey]="http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions"
  PID[portkey]=$PORTKEY_PID
  NAME[portkey]=Portkey
  HDRS[portkey]=$'x-portkey-provider: openai\nx-portkey-custom-host: '"http://127.0.0.1:$STUB_PORT/v1"$'\nAuthorization: Bearer not-used'
fi
for t in "${TARGETS[@]}"; do SSE_URL[$t]=${URL[$t]}; SSE_PID[$t]=${PID[$t]}; done
if ((WITH_PORTKEY)); then
  SSE_URL[portkey]="http://127.0.0.1:$PORTKEY_STREAM_PORT/v1/chat/completions"
  SSE_PID[portkey]=$PORTKEY_STREAM_PID
fi

curl_headers() { local h; while IFS= read -r h; do [[ -n $h ]] && printf -- '-H\n%s\n' "$h"; done <<<"${HDRS[$1]}"; }
client_headers() { local h; while IFS= read -r h; do [[ -n $h ]] && printf -- '--header\n%s\n' "$h"; done <<<"${HDRS[$1]}"; }

PROBES=("${ROUTERS[@]}")
((WITH_PORTKEY)) && PROBES+=(portkey portkey-stream)
for t in "${PROBES[@]}"; do
  mapfile -t hs < <(curl_headers "${t%-stream}")
  u=${URL[${t%-stream}]}
  [[ $t == portkey-stream ]] && u=${SSE_URL[portkey]}
  for ((i = 0; i < 600; i++)); do
    code=$(curl -s -o "$WORK/probe.json" -w '%{http_code}' --max-time 2 "${hs[@]}" -H 'Content-Type: application/json' \
      -d "$CHAT" "$u" || true)
    [[ $code == 200 ]] && break
    sleep 0.1
  done
  if [[ $code != 200 ]]; then
    log "$t does not answer 200 (last $code): $(head -c 400 "$WORK/probe.json" 2>/dev/null)"
    case $t in
      daalu) tail -20 "$WORK/router.log" >&2 ;;
      daalu-b) tail -20 "$WORK/router-b.log" >&2 ;;
      *) tail -20 "$WORK/$t.log" >&2 ;;
    esac
    exit 1
  fi
done
log "all targets answer (${TARGETS[*]}); $PINNING"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# wrk script per target: POST the chat body with the target's headers; print exact percentiles in microseconds.
wrk_script() {
  local t=$1 f="$WORK/wrk-$1.lua" h
  {
    echo 'wrk.method = "POST"'
    printf 'wrk.body = [[%s]]\n' "$CHAT"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    while IFS= read -r h; do
      [[ -z $h ]] && continue
      printf 'wrk.headers["%s"] = "%s"\n' "${h%%:*}" "$(sed 's/^ *//' <<<"${h#*:}")"
    done <<<"${HDRS[$t]}"
    wrk_report_lua
  } >"$f"
  echo "$f"
}
kv() { sed -n "s/^$1=//p" "$2" | tail -1; }
run_wrk() { # target connections seconds out
  "${ON_LOAD[@]}" wrk -t1 -c"$2" -d"$3"s --timeout 5s -s "$(wrk_script "$1")" "${URL[$1]}" >"$4" 2>&1 || true
}

declare -A R
for t in "${TARGETS[@]}"; do
  log "$t: warm-up"
  run_wrk "$t" 32 "$WARM_SECONDS" "$WORK/warm-$t.txt"

  # One connection takes paths 32 do not (a lone ledger commit on the caller's thread, the flusher's timing): they get
  # their own warm-up so the measurement sees tier-1 code, not the JIT compiling it (hack/bench/tail.sh shows that
  # background JIT was most of the slowest 1 % right after the warm-up at 32 connections).
  run_wrk "$t" 1 5 "$WORK/warm1-$t.txt"
  log "$t: one request at a time, ${LAT_SECONDS}s"
  run_wrk "$t" 1 "$LAT_SECONDS" "$WORK/lat-$t.txt"
  R[$t.p50]=$(kv P50 "$WORK/lat-$t.txt")
  R[$t.p99]=$(kv P99 "$WORK/lat-$t.txt")
  R[$t.lat_errs]=$(kv ERRS "$WORK/lat-$t.txt")

  log "$t: throughput steps ${STEPS[*]} (${STEP_SECONDS}s each)"
  best=0 best_c=0 reqs=0 errs=0 any=0 any_cpu_us=0
  c0=$(cpu_ticks "${PID[$t]}")
  for c in "${STEPS[@]}"; do
    out="$WORK/step-$t-$c.txt"
    s0=$(cpu_ticks "${PID[$t]}")
    run_wrk "$t" "$c" "$STEP_SECONDS" "$out"
    s1=$(cpu_ticks "${PID[$t]}")
    n=$(kv REQS "$out"); e=$(kv ERRS "$out"); p99=$(kv P99 "$out"); us=$(kv DUR_US "$out")
    reqs=$((reqs + n)); errs=$((errs + e))
    rps=$((n * 1000000 / us))
    log "  c=$c rps=$rps p99=${p99}us errors=$e"
    if ((p99 <= P99_LIMIT_US && e == 0 && rps > best)); then best=$rps best_c=$c; fi
    # The busiest step's CPU per request is what bounds throughput; the average over all steps includes the light ones.
    if ((rps > any)); then any=$rps any_cpu_us=$(((s1 - s0) * 1000000 / CLK_TCK / (n > 0 ? n : 1))); fi
  done
  c1=$(cpu_ticks "${PID[$t]}")
  R[$t.rps]=$best
  R[$t.rps_c]=$best_c
  R[$t.rps_any]=$any
  R[$t.step_errs]=$errs
  R[$t.cpu_us]=$(((c1 - c0) * 1000000 / CLK_TCK / (reqs > 0 ? reqs : 1)))
  R[$t.cpu_busiest_us]=$any_cpu_us

  log "$t: SSE time to first token and event gap, $TTFT_REQUESTS streams of 8 tokens one at a time"
  mapfile -t ch < <(client_headers "$t")
  "${ON_LOAD[@]}" "$STUB" ttft --url "${SSE_URL[$t]}" --model bench-stream --tokens 8 --requests "$TTFT_REQUESTS" --warmup 200 \
    "${ch[@]}" >"$WORK/ttft-$t.txt" 2>"$WORK/ttft-$t.err" || true
  for k in ttft_p50_us ttft_p99_us gap_mean_us gap_p99_us failed; do R[$t.$k]=$(kv "$k" "$WORK/ttft-$t.txt"); done

  log "$t: $STREAMS concurrent streams of 50 tokens, 20 ms apart"
  "${ON_LOAD[@]}" "$STUB" streams --url "${SSE_URL[$t]}" --model bench-long --tokens 50 --streams "$STREAMS" --timeout-s 120 \
    "${ch[@]}" >"$WORK/streams-$t.txt" 2>"$WORK/streams-$t.err" || true
  for k in peak_streaming failed_streams missing_done lost reordered malformed tokens_received tokens_expected seconds; do
    R[$t.s_$k]=$(kv "$k" "$WORK/streams-$t.txt")
  done
  [[ -s $WORK/streams-$t.err ]] && log "  $(head -3 "$WORK/streams-$t.err" | tr '\n' ' ')"
  R[$t.rss]=$(($(rss_kib "${SSE_PID[$t]}" VmRSS) / 1024))
  R[$t.hwm]=$(($(rss_kib "${SSE_PID[$t]}" VmHWM) / 1024))
  R[$t.rss_parts]=$(rss_parts_mib "${SSE_PID[$t]}")
done

# ---- report ----------------------------------------------------------------------------------------------
f0() { awk -v x="$1" 'BEGIN { if (x == "" || x == "nan" || x == "NaN") print "n/a"; else printf "%.0f", x }'; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "NaN" || b == "NaN") print "n/a"; else printf "%.0f", a - b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2fx", a / b }'; }
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
CMD="hack/bench/router.sh"
((QUICK)) && CMD+=" --quick"
[[ -n $ROUTER_ENV ]] && CMD="DAALU_BENCH_ROUTER_ENV=\"$ROUTER_ENV\" $CMD"
((WITH_B)) && [[ -v DAALU_BENCH_B_ENV ]] && CMD="DAALU_BENCH_B_ENV=\"$B_ENV\" $CMD"
[[ -n ${DAALU_BENCH_B_ROUTER:-} ]] && CMD="DAALU_BENCH_B_ROUTER=$DAALU_BENCH_B_ROUTER $CMD"
[[ -n ${DAALU_BENCH_ROUTER:-} ]] && CMD="DAALU_BENCH_ROUTER=$DAALU_BENCH_ROUTER $CMD"
((WITH_PORTKEY)) || CMD="DAALU_BENCH_NO_PORTKEY=1 $CMD"
mkdir -p hack/bench/results
OUT="hack/bench/results/router-$STAMP${DAALU_BENCH_LABEL:+-$DAALU_BENCH_LABEL}.md"
is_router() { [[ $1 == daalu* ]]; }
# row TITLE CELL-FUNCTION [bold]: one table row, the function called with each target in turn; router cells in bold.
row() {
  local title=$1 fn=$2 bold=${3:-} t v
  printf '| %s |' "$title"
  for t in "${TARGETS[@]}"; do
    v=$($fn "$t")
    if [[ -n $bold ]] && is_router "$t" && [[ $v != - ]]; then v="**$v**"; fi
    printf ' %s |' "$v"
  done
  echo
}
stub_mark() { [[ $1 == direct ]] && printf '(stub) '; return 0; }
added() { if [[ $1 == direct ]]; then echo -; else sub "${R[$1.$2]}" "${R[direct.$2]}"; fi; }
c_p50() { echo "${R[$1.p50]}"; }
c_p99() { echo "${R[$1.p99]}"; }
c_added_p50() { added "$1" p50; }
c_added_p99() { added "$1" p99; }
c_rps() { echo "${R[$1.rps]} (${R[$1.rps_c]})"; }
c_rps_any() { echo "${R[$1.rps_any]}"; }
c_cpu() { echo "$(stub_mark "$1")${R[$1.cpu_us]}"; }
c_cpu_busiest() { echo "$(stub_mark "$1")${R[$1.cpu_busiest_us]}"; }
c_errs() { echo "$((R[$1.lat_errs] + R[$1.step_errs]))"; }
c_ttft() { echo "$(f0 "${R[$1.ttft_p50_us]}") / $(f0 "${R[$1.ttft_p99_us]}")"; }
c_added_ttft() { added "$1" ttft_p50_us; }
c_gap() { f0 "${R[$1.gap_mean_us]}"; }
c_added_gap() { added "$1" gap_mean_us; }
c_peak() { echo "${R[$1.s_peak_streaming]}"; }
c_tokens() { echo "${R[$1.s_tokens_received]} / ${R[$1.s_tokens_expected]}"; }
c_lost() { echo "${R[$1.s_lost]} / ${R[$1.s_reordered]}"; }
c_failed() { echo "${R[$1.s_failed_streams]} / ${R[$1.s_missing_done]}"; }
c_wall() { echo "${R[$1.s_seconds]}"; }
c_rss() { echo "$(stub_mark "$1")${R[$1.rss]} / ${R[$1.hwm]}"; }
c_rss_parts() { echo "${R[$1.rss_parts]}"; }
{
  echo "### Router benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`$CMD\`. Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $PINNING."
  echo "Load average (1, 5, 15 min) before the measurements: $LOAD_BEFORE; after: $LOAD_AFTER (other work on the machine shows here)."
  echo "Client: wrk 1 thread (latency and throughput; 16-token non-streaming completion, ~130-byte body) and the stub's own"
  printf 'streaming client (SSE).'
  ((WITH_PORTKEY)) && printf ' Portkey gateway %s on Node %s;' "$PORTKEY_VERSION" "$(node --version)"
  echo " nginx $($NGINX -v 2>&1 | sed 's|.*/||')."
  echo
  printf '|'
  for t in "${TARGETS[@]}"; do printf ' | %s' "${NAME[$t]}"; done
  echo ' |'
  printf '|---|'
  for t in "${TARGETS[@]}"; do printf -- '---:|'; done
  echo
  row "latency p50, one at a time (us)" c_p50
  row "latency p99, one at a time (us)" c_p99
  row "**added** p50 (us)" c_added_p50 bold
  row "**added** p99 (us)" c_added_p99 bold
  row "max requests/s with p99 <= 10 ms (at connections)" c_rps bold
  row "max requests/s at any p99" c_rps_any bold
  row "CPU of the proxy process per request (us), all throughput steps" c_cpu bold
  row "CPU of the proxy process per request (us), its busiest step" c_cpu_busiest bold
  row "HTTP errors in the load runs" c_errs
  row "SSE time to first token p50 / p99 (us)" c_ttft
  row "**added** SSE time to first token p50 (us)" c_added_ttft bold
  row "SSE gap between events, mean (us; stub asks for 1 ms)" c_gap
  row "**added** SSE gap per event, mean (us)" c_added_gap bold
  row "$STREAMS concurrent streams: peak open at once" c_peak
  row "... tokens received / expected" c_tokens
  row "... **lost / reordered** events" c_lost bold
  row "... failed streams / without [DONE]" c_failed
  row "... wall time (s)" c_wall
  row "RSS of the proxy process at the end / peak (MiB)" c_rss bold
  row "... of which anon / file / shmem at the end (MiB)" c_rss_parts
  echo
  if ((WITH_PORTKEY)); then
    echo "Portkey's SSE rows and its RSS come from a second instance started with @hono/node-server's overrideGlobalObjects off,"
    echo "because the published build fails every stream on Node with \"TypeError: immutable\" (Portkey-AI/gateway#1389, #1550)."
    echo
  fi
  for r in "${ROUTERS[@]}"; do
    echo "Ratios of the ${NAME[$r]}:"
    echo
    if ((WITH_PORTKEY)); then
      echo "| | vs nginx | vs Portkey |"
      echo "|---|---:|---:|"
    else
      echo "| | vs nginx |"
      echo "|---|---:|"
    fi
    ratio_row() { # title key-or-function
      local d n p
      d=$($2 "$r")
      n=$($2 nginx)
      printf '| %s | %s |' "$1" "$(ratio "$d" "$n")"
      if ((WITH_PORTKEY)); then p=$($2 portkey); printf ' %s |' "$(ratio "$d" "$p")"; fi
      echo
    }
    v_rps() { echo "${R[$1.rps]}"; }
    v_rps_any() { echo "${R[$1.rps_any]}"; }
    v_added_p50() { sub "${R[$1.p50]}" "${R[direct.p50]}"; }
    v_cpu() { echo "${R[$1.cpu_us]}"; }
    ratio_row "max requests/s with p99 <= 10 ms (Daalu / other)" v_rps
    ratio_row "max requests/s at any p99 (Daalu / other)" v_rps_any
    ratio_row "added p50 latency (Daalu / other)" v_added_p50
    ratio_row "CPU per request (Daalu / other)" v_cpu
    echo
  done
  parts=()
  for t in "${TARGETS[@]}"; do
    [[ $t == direct ]] && continue
    parts+=("${NAME[$t]} $(ratio "${R[$t.rps_any]}" "${R[direct.rps_any]}")")
  done
  echo "Direct throughput for reference, the share of the stub's own requests/s reached at any p99: $(IFS=';'; echo "${parts[*]}" | sed 's/;/; /g')."
} | tee "$OUT"
log "written $OUT"

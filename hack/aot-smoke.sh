#!/usr/bin/env bash
# The NativeAOT router, end to end, one command: hack/aot-smoke.sh [router executable]
#
# Without an argument it publishes router/Daalu.Router with PublishAot (needs clang and zlib1g-dev; warnings are
# errors, so a trim or AOT warning fails here) into /tmp/daalu-aot/router; the csproj gives every AOT publish
# OptimizationPreference=Speed and the runtime pack's framework profile (docs/benchmarks.md, "Eleventh session").
# Then it runs that binary as deployed
# against the bench stub (hack/bench/Daalu.Bench.Stub, vLLM-shaped) with the benchmarks' configuration (tenant auth,
# classification, hosted quota, SQLite metering all on), and in `demo` mode (the engine simulator in process), and
# checks what reflection-free code has to get right: chat with and without streaming, the Responses and Anthropic
# Messages dialects, an OpenAI-shaped 401 and 400, GET /v1/usage, GET /metrics. The test projects run JIT; this is
# the check that the compiled binary behaves the same. Everything on 127.0.0.1, bounded in time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BENCH_NAME=aot-smoke.sh
source hack/bench/lib.sh
need_packages curl:curl jq:jq node:nodejs

AOT=${1:-}
if [[ -z $AOT ]]; then
  need_packages clang:clang
  dpkg -s zlib1g-dev >/dev/null 2>&1 || need_packages zlib-flate:zlib1g-dev
  log "publishing the router with NativeAOT (a few minutes)"
  dotnet publish router/Daalu.Router/Daalu.Router.csproj -c Release -r linux-x64 -p:PublishAot=true -nologo -clp:ErrorsOnly -v:q \
    -o /tmp/daalu-aot/router >/dev/null
  AOT=/tmp/daalu-aot/router/Daalu.Router
fi
[[ -x $AOT ]] || { log "no executable at $AOT"; exit 2; }
build_release hack/bench/Daalu.Bench.Stub

ON_LOAD=()
ON_PROXY=()
bench_workdir aot-smoke
STUB_PORT=$(free_port)
start_stub "$STUB_PORT" --model bench-model
bench_router_config "$WORK/router.json" "$STUB_PORT" bench-model
PORT=$(free_port)
ROUTER_EXE=$AOT start_router "$PORT"
BASE="http://127.0.0.1:$PORT"
AUTH="Authorization: Bearer $DAALU_BENCH_KEY"
CHAT='{"model":"bench-model","messages":[{"role":"user","content":"What is the capital of France?"}],"max_tokens":16}'
wait_for_200 "$BASE/v1/chat/completions" "$CHAT" "Bearer $DAALU_BENCH_KEY" || { tail -30 "$WORK/router.log" >&2; exit 1; }

failures=0
check() { # name, then a command that must succeed
  local name=$1
  shift
  if "$@"; then log "ok   $name"; else log "FAIL $name"; failures=$((failures + 1)); fi
}
post() { curl -s --max-time 10 -H 'Content-Type: application/json' "$@"; }

chat_ok() {
  local out
  out=$(post -D "$WORK/h" -H "$AUTH" -d "$CHAT" "$BASE/v1/chat/completions")
  jq -e '.object == "chat.completion" and (.choices[0].message.content | length > 0) and .usage.total_tokens > 0' <<<"$out" >/dev/null &&
    grep -qi '^x-daalu-tier: Hosted' "$WORK/h"
}
stream_ok() {
  local out
  out=$(post -N -H "$AUTH" -d '{"model":"bench-model","stream":true,"messages":[{"role":"user","content":"hi"}],"max_tokens":8}' "$BASE/v1/chat/completions")
  [[ $(grep -c '^data: {' <<<"$out") -ge 2 ]] && grep -qx 'data: \[DONE\]' <<<"$out"
}
responses_ok() {
  post -H "$AUTH" -d '{"model":"bench-model","input":[{"role":"user","content":[{"type":"input_text","text":"hi"}]}],"max_output_tokens":8}' \
    "$BASE/v1/responses" | jq -e '.object == "response" and (.status == "completed" or .incomplete_details.reason == "max_output_tokens") and (.output[0].content[0].text | length > 0)' >/dev/null
}
messages_ok() {
  post -H "$AUTH" -H 'anthropic-version: 2023-06-01' -d '{"model":"bench-model","max_tokens":8,"system":"be brief","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}' \
    "$BASE/v1/messages" | jq -e '.type == "message" and .role == "assistant" and .content[0].type == "text"' >/dev/null
}
error_shape() { # status body: OpenAI's {"error":{"message","type","param","code"}}
  [[ $1 == "$2" ]] && jq -e '.error | (.message | type == "string") and (.type | type == "string") and has("param") and has("code")' <<<"$3" >/dev/null
}
unauthorized_ok() {
  local out code
  out=$(post -w '\n%{http_code}' -H 'Authorization: Bearer not-a-key' -d "$CHAT" "$BASE/v1/chat/completions")
  code=$(tail -1 <<<"$out")
  error_shape 401 "$code" "$(sed '$d' <<<"$out")"
}
bad_json_ok() {
  local out code
  out=$(post -w '\n%{http_code}' -H "$AUTH" -d '{"model":' "$BASE/v1/chat/completions")
  code=$(tail -1 <<<"$out")
  error_shape 400 "$code" "$(sed '$d' <<<"$out")"
}
usage_ok() {
  curl -s --max-time 10 -H "$AUTH" "$BASE/v1/usage?days=1" | jq -e '.tenant == "bench" and .days == 1 and (.rows | type == "array") and (.totals | type == "object")' >/dev/null
}
usage_error_ok() {
  local out code
  out=$(curl -s --max-time 10 -w '\n%{http_code}' -H "$AUTH" "$BASE/v1/usage?days=0")
  code=$(tail -1 <<<"$out")
  error_shape 400 "$code" "$(sed '$d' <<<"$out")"
}
metrics_ok() {
  local text
  text=$(curl -s --max-time 10 "$BASE/metrics")
  grep -q '^daalu_router_requests_total{tier="Hosted",class="chat",result="ok"} [1-9]' <<<"$text"
}

console_ok() { # log in with the key, then the pages' JSON islands and the console API (all source-generated JSON)
  local jar=$WORK/cookies page island
  curl -s -o /dev/null --max-time 10 -c "$jar" -H "Origin: $BASE" --data-urlencode "key=$DAALU_BENCH_KEY" "$BASE/console/login" || return 1
  page=$(curl -s --max-time 10 -b "$jar" "$BASE/console/factory")
  island=$(sed -n 's|.*<script type="application/json" id="console-model">\([^<]*\)</script>.*|\1|p' <<<"$page")
  jq -e '.page == "factory" and .tenant == "bench" and (.tiers | length == 3) and (.usage.requests >= 1) and (.api.usage | endswith("/api/usage"))' <<<"$island" >/dev/null || return 1
  page=$(curl -s --max-time 10 -b "$jar" "$BASE/console/billing")
  island=$(sed -n 's|.*<script type="application/json" id="console-model">\([^<]*\)</script>.*|\1|p' <<<"$page")
  jq -e '.page == "billing" and (.chart.series | type == "array") and (.totals | type == "object")' <<<"$island" >/dev/null || return 1
  curl -s --max-time 10 -b "$jar" "$BASE/console/api/usage" | jq -e '.report.tenant == "bench" and (.latency.calls >= 1)' >/dev/null
}

check "chat completion (JSON, Hosted tier)" chat_ok
check "chat completion streamed (SSE, [DONE])" stream_ok
check "Responses API through the chat backend" responses_ok
check "Anthropic Messages through the chat backend" messages_ok
check "401 in OpenAI's error shape" unauthorized_ok
check "400 for malformed JSON in OpenAI's error shape" bad_json_ok
check "GET /v1/usage (source-generated report)" usage_ok
check "GET /v1/usage?days=0 refused in OpenAI's error shape" usage_error_ok
check "GET /metrics has the router's counters" metrics_ok
check "console: log in, AI Factory and Billing page data, usage API" console_ok

# demo: the router and the engine simulator in one process (the simulator's JSON is compiled too).
DEMO_PORT=$(free_port)
"$AOT" demo --urls "http://127.0.0.1:$DEMO_PORT" >"$WORK/demo.log" 2>&1 &
PIDS+=($!)
DEMO="http://127.0.0.1:$DEMO_PORT"
demo_ok() {
  wait_for_200 "$DEMO/v1/chat/completions" '{"model":"auto","messages":[{"role":"user","content":"Say hi"}]}' 'Bearer demo-owner' || return 1
  post -D "$WORK/dh" -H 'Authorization: Bearer demo-owner' -d '{"model":"auto","messages":[{"role":"user","content":"Say hi"}]}' "$DEMO/v1/chat/completions" |
    jq -e '.choices[0].message.content | startswith("[simulated]")' >/dev/null && grep -qi '^x-daalu-tier: OwnGpu' "$WORK/dh"
}
check "demo: chat on the simulated own GPU" demo_ok

if ((failures)); then
  log "$failures check(s) failed; router log:"
  tail -30 "$WORK/router.log" >&2
  exit 1
fi
log "all checks passed ($AOT)"

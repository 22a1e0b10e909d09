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

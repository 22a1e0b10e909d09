# syntax=docker/dockerfile:1
# Daalu images: one SDK build stage, two runtime targets.
#   docker build --target operator -t daalu-operator .
#   docker build --target router   -t daalu-router .
# The runtime images hold only the ASP.NET Core runtime and the published app (no SDK) and run as the
# non-root user 65532, matching runAsUser in config/manager and config/router.

# ---- web: the console's chart library from npm (build time only; the router embeds it, no Node at run time) ----
FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY router/Daalu.Router/WebConsole/web/package.json router/Daalu.Router/WebConsole/web/package-lock.json ./
RUN npm ci --no-audit --no-fund

# ---- build: restore and publish both apps with the SDK ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Build settings (central package versions, analyzers, SDK pin), then the two source trees. Whole folders rather
# than a csproj-only restore layer: a project added under operator/ or router/ cannot be forgotten here.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY operator/ operator/
COPY router/ router/
COPY --from=web /web/node_modules router/Daalu.Router/WebConsole/web/node_modules
RUN dotnet restore operator/Daalu.Operator/Daalu.Operator.csproj \
 && dotnet restore router/Daalu.Router/Daalu.Router.csproj
RUN dotnet publish operator/Daalu.Operator/Daalu.Operator.csproj -c Release --no-restore -o /out/operator /p:UseAppHost=false \
 && dotnet publish router/Daalu.Router/Daalu.Router.csproj -c Release --no-restore -o /out/router /p:UseAppHost=false

# ---- operator: reconciles the Daalu custom resources ----
# Ports: 8080 Prometheus metrics (/metrics), 8081 health probes (/healthz, /readyz).
# Entrypoint: dotnet Daalu.Operator.dll; the Deployment adds --leader-elect.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS operator
WORKDIR /app
COPY --from=build /out/operator ./
ENV DOTNET_gcServer=0 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["dotnet", "Daalu.Operator.dll"]

# ---- router-aot (opt-in, not the default image): the same router compiled ahead of time with NativeAOT ----
#   docker build --target router-aot -t daalu-router:aot .
# Measured against the JIT image in docs/benchmarks.md ("Tenth session", "Eleventh session"): 74-93 MiB instead of
# 141-161 at the end of hack/bench/router.sh and a 10x faster start, but 1.25x the CPU per request and 0.8x the
# requests/s per core in steady state, so `router` below stays the default. Same ports, arguments and user; the
# entrypoint is the binary itself. Not built in this project's CI (no Docker there); hack/aot-smoke.sh checks the
# binary this stage publishes.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build-aot
RUN apt-get update && apt-get install -y --no-install-recommends clang zlib1g-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY router/ router/
COPY --from=web /web/node_modules router/Daalu.Router/WebConsole/web/node_modules
RUN dotnet publish router/Daalu.Router/Daalu.Router.csproj -c Release -r linux-x64 -p:PublishAot=true -o /out/router-aot \
 && rm -f /out/router-aot/*.dbg /out/router-aot/*.pdb

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS router-aot
WORKDIR /app
COPY --from=build-aot /out/router-aot ./
# The router stage's runtime settings but tier-up's (no JIT here); the thread pool and sockets honour theirs.
ENV DAALU_ROUTER_URLS=http://0.0.0.0:8080 \
    DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 \
    DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["./Daalu.Router"]

# ---- router: the OpenAI-compatible front every LLM call passes through ----
# Port: 8080 (the OpenAI API under /v1, /metrics, /healthz, /readyz).
# Entrypoint: dotnet Daalu.Router.dll --urls http://0.0.0.0:8080; the Deployment passes
# --config /etc/daalu/router/config.yaml (the operator's compiled ConfigMap) and --ledger on a writable volume.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS router
WORKDIR /app
COPY --from=build /out/router ./
# Runtime settings measured in docs/benchmarks.md ("Runtime settings"); the operator's Deployment sets the same:
# tier-1 JIT without the start-up delay, no thread-pool spinning, socket completions without a thread-pool hop.
ENV DAALU_ROUTER_URLS=http://0.0.0.0:8080 \
    DOTNET_TC_CallCountingDelayMs=0 \
    DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 \
    DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["dotnet", "Daalu.Router.dll"]

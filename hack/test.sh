#!/usr/bin/env bash
# Runs every test of the solution. The one command README.md gives for testing; .ci/run calls it too.
# It sets up what the tests need that is not already there (npm tools in tests/js); tests that need
# redis-server, kubectl or Docker skip with a one-line reason when those are absent.
set -euo pipefail
cd "$(dirname "$0")/.."

# Reinstall whenever the lock file changed since the last install (a new tool, a new pin).
lock_hash="$(sha256sum tests/js/package-lock.json | cut -d' ' -f1)"
if [ "$(cat tests/js/node_modules/.daalu-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  npm ci --prefix tests/js --no-audit --no-fund
  echo "$lock_hash" > tests/js/node_modules/.daalu-lock-hash
fi

dotnet build Daalu.Operator.sln -c Release -nologo -clp:ErrorsOnly
# Test projects run one after another in parallel-by-assembly mode off: 2 cores, and several suites
# start real servers (Kestrel, redis-server, node) whose timing tests should not fight each other.
# The console logger at minimal verbosity shows [SKIP] without the reason; the TRX results carry it, and the lines
# after the run print one "SKIP <test>: <reason>" per skipped test.
results="$(mktemp -d)"
status=0
dotnet test Daalu.Operator.sln -c Release --no-build -nologo \
  --blame-hang-timeout 5m \
  -m:1 \
  --logger "console;verbosity=minimal" --logger trx --results-directory "$results" "$@" || status=$?
node -e '
const fs = require("fs"), path = require("path"), dir = process.argv[1];
const unxml = s => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&apos;/g, "\x27").replace(/&amp;/g, "&");
for (const f of fs.readdirSync(dir).filter(f => f.endsWith(".trx"))) {
  const trx = fs.readFileSync(path.join(dir, f), "utf8");
  for (const m of trx.matchAll(/<UnitTestResult [^>]*testName="([^"]*)"[^>]*outcome="NotExecuted"[^>]*>([\s\S]*?)<\/UnitTestResult>/g)) {
    const reason = /<Message>([\s\S]*?)<\/Message>/.exec(m[2]);
    console.log(`SKIP ${unxml(m[1])}: ${reason ? unxml(reason[1]).trim() : "(no reason given)"}`);
  }
}' "$results"
rm -rf "$results"
exit "$status"

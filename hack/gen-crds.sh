#!/usr/bin/env bash
# Regenerates crds/ai.daalu.io_<plural>.yaml and docs/crd-reference.md from the C# types in operator/Daalu.Api.
# Run after changing a CRD type; tests/Daalu.Api.Tests fails while crds/ or the reference is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run --project hack/Daalu.CrdGen -- crds docs/crd-reference.md

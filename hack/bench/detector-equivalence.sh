#!/usr/bin/env bash
# Compares this tree's code detector with a baseline commit's, verdict and signal, over every text of the given JSONL
# files (a "text" field per line) and the held-out fixtures; then, with --bench, runs the heuristic stage of both side
# by side in one BenchmarkDotNet run (ratios, not absolute times, on a shared machine).
#   bash hack/bench/detector-equivalence.sh [--baseline <commit>] [--bench] [files.jsonl ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
baseline=87412df
bench=0
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) baseline=$2; shift 2 ;;
    --bench) bench=1; shift ;;
    *) files+=("$1"); shift ;;
  esac
done
project="$root/hack/bench/Daalu.Bench.Detector"
# The detector's sources at the baseline commit and in this tree, each under its own namespace, so the harness can
# time their passes one by one (the product's internals are not visible to it).
dir=router/Daalu.Router.Protocols/Classification/CodeDetection
skip='^(SegmentVerdicts|RequestCodeDetector|CodeDetectionResult|CodeSignals)\.cs$'
rm -rf "$project/obj/baseline" "$project/obj/current" && mkdir -p "$project/obj/baseline" "$project/obj/current"
for f in $(git -C "$root" ls-tree --name-only "$baseline" "$dir/" | xargs -n1 basename | grep -Ev "$skip"); do
  git -C "$root" show "$baseline:$dir/$f" |
    sed -e 's/^namespace Daalu.Router.Classification.CodeDetection;/namespace Daalu.Bench.Detector.Baseline;/' \
        -e "s/^public /internal /" > "$project/obj/baseline/$f"
done
for f in $(ls "$root/$dir" | grep -Ev "$skip"); do
  sed -e 's/^namespace Daalu.Router.Classification.CodeDetection;/namespace Daalu.Bench.Detector.Current;/' \
      -e "s/^public /internal /" "$root/$dir/$f" > "$project/obj/current/$f"
done
sed -i -e "s/^    private static bool Has/    internal static bool Has/" "$project/obj/baseline/CodeDetector.cs" "$project/obj/current/CodeDetector.cs"
sed -i -e "s/^    private static \(bool\|int\) /    internal static \1 /" "$project/obj/baseline/LineScanner.cs" "$project/obj/current/LineScanner.cs"
sed -i -e "s/^    private static \(void LetterOrDigitBits\|bool AnyScoringToken\)/    internal static \1/" "$project/obj/baseline/PlainWords.cs" "$project/obj/current/PlainWords.cs"
dotnet build "$project" -c Release -v q -nologo | grep -E " error |rror\(s\)" || true
if [ "$bench" = 1 ]; then
  # BenchmarkDotNet builds its runner from the project it finds in the working directory.
  cd "$project" && dotnet "$project/bin/Release/net10.0/Daalu.Bench.Detector.dll" bench --filter '*' --artifacts "$project/obj/benchmarks" "${files[@]}"
else
  dotnet "$project/bin/Release/net10.0/Daalu.Bench.Detector.dll" equivalence "$root/tests/Daalu.Router.Protocols.Tests/Classification/Evaluation" "${files[@]}"
fi

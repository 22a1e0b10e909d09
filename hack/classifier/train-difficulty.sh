#!/usr/bin/env bash
# Rebuilds the public training data and trains the learned difficulty stage the way the shipped weights were made
# (issue 18). Needs snapshots (checkouts or bare git directories) of the seven public repositories named in
# hack/classifier/public-data/build.py, found under $1 as <owner>+<name>/repo (the layout `fetch` leaves in
# /work/.mirror), at the commits listed in hack/classifier/README.md.
#   hack/classifier/train-difficulty.sh /work/.mirror            # train and compare with the shipped weights
#   hack/classifier/train-difficulty.sh /work/.mirror --write    # ... and rewrite the shipped weights file
# The training recipe (--shipped-recipe, TrainingSet.ShippedSources; measured in docs/classification.md, "Training
# the learned stage"): the hand-written templates plus every public source except `clinc150` (voice-assistant requests
# labelled by intent), and only the prompts the heuristic stage leaves to the learned stage; ASQ (advice questions)
# and FOLIO (deductive reasoning) since the label-2 work.
set -euo pipefail
snapshots=${1:?usage: train-difficulty.sh <snapshot dir> [--write]}
shift
here=$(cd "$(dirname "$0")" && pwd)
data=${DAALU_DIFFICULTY_DATA:-${TMPDIR:-/tmp}/difficulty-public.jsonl}
python3 "$here/public-data/build.py" \
  "$snapshots/clinc+oos-eval/repo" \
  "$snapshots/brmson+dataset-factoid-webquestions/repo" \
  "$snapshots/openai+grade-school-math/repo" \
  "$snapshots/google-deepmind+AQuA/repo" \
  "$snapshots/exercism+problem-specifications/repo" \
  "$snapshots/liye+ASQ/repo" \
  "$snapshots/Yale-LILY+FOLIO/repo" \
  "$data"
dotnet run -c Release --project "$here/Daalu.Classifier.Trainer" -- --public "$data" --shipped-recipe "$@"

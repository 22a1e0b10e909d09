#!/usr/bin/env python3
"""Builds held-out set F for code detection from public repositories, outside this repository (issue 18, second pass).

Set F was frozen (this script committed, the built file's SHA-256 recorded in docs/classification.md) before any rule
of the second recall pass was written and before the detector ever ran on its output; it is measured once, at the end.
It shares no repository of code with the development set or sets C, D and E, and takes natural-language items none of
them takes:

  code (label true): windows of 7 or 9 non-blank lines at 35%, 50%, 65% or 80% of 10 files per language of
    certik/minpack (Fortran 77, fixed form), lgallard/terraform-aws-backup (Terraform), pallets/itsdangerous (Python),
    spf13/cobra (Go), sinatra/sinatra (Ruby), dtolnay/anyhow (Rust), clojure/tools.cli (Clojure), elixir-plug/plug
    (Elixir) and expressjs/express (JavaScript), files spread over each repository in name order; four shapes of its own.
  no code (label false):
    - clinc/oos-eval `data_full.json` `oos_train` split (no other set takes it): every utterance;
    - clinc/oos-eval `all_wiki_sents.txt`: four sentences from every block of 160 at offset 40 (D: 0, dev: 80, E: 120);
    - anthropics/hh-rlhf `harmless-base/test.jsonl.gz`: first human turn of conversations 6, 14, 22, ... (D: 0, 8, ...;
      dev: 4, 12, ...; E: 2, 10, ...);
    - openai/grade-school-math `train.jsonl`: questions 7, 22, 37, ... (dev takes 0, 15, 30, ...);
    - google-deepmind/AQuA `test.json`: every 3rd question with its answer options (algebra word problems);
    - UniversalDependencies/UD_English-EWT (dev and test files; the train file is absent from the snapshot: web text, e-mails, reviews, forum posts): every 10th
      sentence.

Built 2026-12-07 22:59 UTC from the commits in SOURCES: 1,555 records (83 code: 10 per language but 3 for
clojure/tools.cli, which has few files; 1,472 without code), SHA-256
0df35bddda2147c7dc93367ffe83619ca2200201e51e1734f29836a8e4fc2abf.

usage: build.py <mirror dir> <out.jsonl>   (repositories as for dev/build.py)
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from linguist_samples import git, write_records  # noqa: E402
from public_text import (clinc, code_records, gsm8k, head, hh_first_turns, resolve, ud_sentences,  # noqa: E402
                         wiki_sentences)

CODE = [
    ("Fortran77", "certik/minpack", [".f"], ()),
    ("HCL", "lgallard/terraform-aws-backup", [".tf"], ()),
    ("Python", "pallets/itsdangerous", [".py"], ()),
    ("Go", "spf13/cobra", [".go"], ()),
    ("Ruby", "sinatra/sinatra", [".rb"], ()),
    ("Rust", "dtolnay/anyhow", [".rs"], ()),
    ("Clojure", "clojure/tools.cli", [".clj", ".cljc"], ()),
    ("Elixir", "elixir-plug/plug", [".ex", ".exs"], ()),
    ("JavaScript", "expressjs/express", [".js"], ()),
]
PER_LANGUAGE = 10
POSITIONS = [(7, 0.35), (9, 0.65), (7, 0.8), (9, 0.5)]
SHAPES = [
    "{s}",
    "I got this in a code review and don't understand it:\n\n{s}",
    "{s}\n\nIs there a cleaner way to write this?",
    "Quick question about this snippet\n{s}\nthanks in advance",
]

SOURCES = """
certik/minpack 12f30bc2d6971fde7a32d59e80c635289376e14a
lgallard/terraform-aws-backup 8ad52023fcae5e2eb293e8fa938f14175a9cad1a
pallets/itsdangerous 672971d66a2ef9f85151e53283113f33d642dabd
spf13/cobra adbc8813901bba65827259daa8e22ff94ec1f30e
sinatra/sinatra cb22afd7902b566b6eaba6c4ea89739494a65d12
dtolnay/anyhow 1dbe1862aae650423e3361fbd20b7d17c5109cc3
clojure/tools.cli 187dd20e4bbe624ef9187d3a7e883687ebc478a2
elixir-plug/plug a898c454a04ca5ffad306bd751a15c7ac9ff6927
expressjs/express a3714473feb3d2908add734d340e7755fd85e0a3
clinc/oos-eval 828f8093932c8fe6ca7936c3d2e52903b1c523de
anthropics/hh-rlhf 354e5c3cb8960630860dd5774a6ac2a58313bf4d
openai/grade-school-math 3101c7d5072418e28b9008a6636bde82a006892c
google-deepmind/AQuA 26b64ed1f22208c6742f47df547dfd65088ec30d
UniversalDependencies/UD_English-EWT 15d613d8447b3478787d4c278730a1e48a945efb
"""


def main():
    mirror, out = sys.argv[1], sys.argv[2]
    records, used = code_records(mirror, CODE, PER_LANGUAGE, SHAPES, POSITIONS, "f")

    oos = resolve(mirror, "clinc/oos-eval")
    for i, (utterance, intent) in enumerate(clinc(oos, "oos_train")):
        records.append({"id": f"p-clinc-oos_train-{i}", "code": False, "category": f"clinc:{intent}", "text": utterance})
    sentences = wiki_sentences(oos)
    for i in range(40, len(sentences) - 4, 160):
        records.append({"id": f"p-wiki-{i}", "code": False, "category": "wiki", "text": "Summarize this:\n\n" + " ".join(sentences[i:i + 4])})
    for i, first in enumerate(hh_first_turns(resolve(mirror, "anthropics/hh-rlhf"), "harmless-base/test.jsonl.gz")):
        if i % 8 == 6 and first:
            records.append({"id": f"p-hh-{i}", "code": False, "category": "hh-rlhf", "text": first})
    for i, q in enumerate(gsm8k(resolve(mirror, "openai/grade-school-math"), "train")):
        if i % 15 == 7:
            records.append({"id": f"p-gsm8k-train-{i}", "code": False, "category": "gsm8k", "text": q})
    aqua = resolve(mirror, "google-deepmind/AQuA")
    used.append(("google-deepmind/AQuA", head(aqua)))
    for i, line in enumerate(git(aqua, "show", "HEAD:test.json").decode().splitlines()):
        if i % 3 == 0 and line.strip():
            item = json.loads(line)
            text = item["question"] + "\n" + "\n".join(item["options"])
            records.append({"id": f"p-aqua-test-{i}", "code": False, "category": "aqua", "text": text})
    repo = resolve(mirror, "UniversalDependencies/UD_English-EWT")
    used.append(("UniversalDependencies/UD_English-EWT", head(repo)))
    for i, s in enumerate(ud_sentences(repo)):
        if i % 10 == 0:
            records.append({"id": f"p-ud-English-EWT-{i}", "code": False, "category": "ud:English-EWT", "text": s})
    for name, commit in used:
        print(f"{name} {commit}")
    write_records(out, records)


if __name__ == "__main__":
    main()

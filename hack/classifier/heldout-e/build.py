#!/usr/bin/env python3
"""Builds held-out set E for code detection from public repositories, outside this repository (issue 18).

Set E was frozen (this script committed, the built file's SHA-256 recorded in docs/classification.md) before the
detector first ran on it, and it is measured once, after the rules written on the development set (`dev/build.py`).
It shares no repository of code with the development set or sets C and D, and no natural-language item with them:

  code (label true): windows of 6 or 10 non-blank lines at 40% or 70% of source files of TheAlgorithms (F#, Haskell,
    Elixir, Julia, R, Ruby, Go, C#, Lua, Python, JavaScript, Rust), dbuenzli/cmdliner (OCaml), Reference-LAPACK/lapack
    (Fortran 77), weavejester/compojure and technomancy/leiningen (Clojure), cirosantilli/x86-bare-metal-examples (GNU
    assembler), terraform-google-modules/terraform-google-network (HCL), and the ```graphql blocks of
    graphql/graphql-spec; 10 files per language spread over each repository; sent in four shapes of its own.
  no code (label false):
    - clinc/oos-eval `data_full.json` `val` and `oos_val` splits: every 6th utterance, and numbered lists of four
      consecutive `val` utterances (every 150th);
    - clinc/oos-eval `all_wiki_sents.txt`: four sentences from every block of 160 at offset 120 (set D: 0, dev: 80);
    - anthropics/hh-rlhf `harmless-base/test.jsonl.gz`: first human turn of conversations 2, 10, 18, ... (D: 0, 8, ...;
      dev: 4, 12, ...);
    - openai/grade-school-math `test.jsonl`: questions 2, 6, 10, ... (set C takes 0, 4, 8, ...);
    - UniversalDependencies UD_Italian-ISDT and UD_Portuguese-GSD (dev and test files): every 12th sentence.

usage: build.py <mirror dir> <out.jsonl>   (repositories as for dev/build.py)
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from linguist_samples import write_records  # noqa: E402
from public_text import (clinc, code_records, gsm8k, head, hh_first_turns, resolve, ud_sentences,  # noqa: E402
                         wiki_sentences)

CODE = [
    ("FSharp", "TheAlgorithms/F-Sharp", [".fs"], ()),
    ("OCaml", "dbuenzli/cmdliner", [".ml"], ()),
    ("Haskell", "TheAlgorithms/Haskell", [".hs"], ()),
    ("Elixir", "TheAlgorithms/Elixir", [".ex", ".exs"], ()),
    ("Julia", "TheAlgorithms/Julia", [".jl"], ()),
    ("R", "TheAlgorithms/R", [".r", ".R"], ()),
    ("Fortran77", "Reference-LAPACK/lapack", [".f"], ()),
    ("Clojure", "weavejester/compojure", [".clj"], ()),
    ("Clojure2", "technomancy/leiningen", [".clj"], ()),
    ("Assembly", "cirosantilli/x86-bare-metal-examples", [".S", ".asm"], ()),
    ("HCL", "terraform-google-modules/terraform-google-network", [".tf"], ()),
    ("GraphQL", "graphql/graphql-spec", [".md"], ()),
    ("Ruby", "TheAlgorithms/Ruby", [".rb"], ()),
    ("Go", "TheAlgorithms/Go", [".go"], ()),
    ("CSharp", "TheAlgorithms/C-Sharp", [".cs"], ()),
    ("Lua", "TheAlgorithms/Lua", [".lua"], ()),
    ("Python", "TheAlgorithms/Python", [".py"], ()),
    ("JavaScript", "TheAlgorithms/JavaScript", [".js"], ()),
    ("Rust", "TheAlgorithms/Rust", [".rs"], ()),
]
PER_LANGUAGE = 10
POSITIONS = [(6, 0.4), (10, 0.7), (10, 0.4), (6, 0.7)]
SHAPES = [
    "{s}",
    "Here is the part that fails:\n\n{s}\n\nAny idea?",
    "What is this doing, line by line?\n{s}",
    "We inherited this from a contractor. {s}\nShould we rewrite it?",
]

SOURCES = """
TheAlgorithms/F-Sharp e5441e8bfd2cda87541634b75f39f0868447ae5f
dbuenzli/cmdliner b34418c047cdf24d091e5f66fb0ab5c26a4dcbe0
TheAlgorithms/Haskell 9dcabef99fb8995a760ff25a9e0d659114c0b9d3
TheAlgorithms/Elixir 6212e7e905ec2d2687e7f6e9e4b07b7fabb40f19
TheAlgorithms/Julia 384424b762bbb40d43f31001beeca0c6ffda2f1f
TheAlgorithms/R f4b992ad324e51bef9e7a4c39de3d840c3353a8a
Reference-LAPACK/lapack 51b349470b3b26c948d068deb45c9b120a47ed32
weavejester/compojure 8a4758d28e8fcd28fa7610dca6e2908d039e6a4f
technomancy/leiningen 24fb93936133bd7fc30c393c127e9e69bb5f2392
cirosantilli/x86-bare-metal-examples 528ab2becc4992218ca0b7e297f3e1f1674268de
terraform-google-modules/terraform-google-network 3012d98fcb709d5ba456e0d93f42ab61028f7655
graphql/graphql-spec 1fe9b61b3151251d4a09a8061fa55e1c5e929168
TheAlgorithms/Ruby bda11bdfd83b7958e1ca98247e5e43100ca88865
TheAlgorithms/Go 5ba447ec5ff3d1213de65b92e726ee74c5d5cc19
TheAlgorithms/C-Sharp 5aee9651da068d50a64cfa159fb695904e4a8b5b
TheAlgorithms/Lua cedc141018ad48884318fe08a6db278664b17128
TheAlgorithms/Python f5988cc09713315817df6a7e327e258013a94440
TheAlgorithms/JavaScript 08d8c6b6749c06a36fab705a8cf16e9a04d46a8e
TheAlgorithms/Rust 2c53ddfa4b43da4df34bc2f990c5e806f455cb90
clinc/oos-eval 828f8093932c8fe6ca7936c3d2e52903b1c523de
anthropics/hh-rlhf 354e5c3cb8960630860dd5774a6ac2a58313bf4d
openai/grade-school-math 3101c7d5072418e28b9008a6636bde82a006892c
UniversalDependencies/UD_Italian-ISDT 689c1bf3c7d132903d2196ac69b76a0933c90997
UniversalDependencies/UD_Portuguese-GSD 691a8b597cc37e1c822ba808244c8eaca498eeb2
"""


def main():
    mirror, out = sys.argv[1], sys.argv[2]
    records, used = code_records(mirror, CODE, PER_LANGUAGE, SHAPES, POSITIONS, "e")

    oos = resolve(mirror, "clinc/oos-eval")
    for split in ("val", "oos_val"):
        items = clinc(oos, split)
        for i, (utterance, intent) in enumerate(items):
            if i % 6 == 0:
                records.append({"id": f"p-clinc-{split}-{i}", "code": False, "category": f"clinc:{intent}", "text": utterance})
            if split == "val" and i % 150 == 11 and i + 4 <= len(items):
                listed = "\n".join(f"{n + 1}. {u}" for n, (u, _) in enumerate(items[i:i + 4]))
                records.append({"id": f"p-list-{i}", "code": False, "category": "list", "text": f"Which of these can you help with?\n{listed}"})
    sentences = wiki_sentences(oos)
    for i in range(120, len(sentences) - 4, 160):
        records.append({"id": f"p-wiki-{i}", "code": False, "category": "wiki", "text": "Summarize this:\n\n" + " ".join(sentences[i:i + 4])})
    for i, first in enumerate(hh_first_turns(resolve(mirror, "anthropics/hh-rlhf"), "harmless-base/test.jsonl.gz")):
        if i % 8 == 2 and first:
            records.append({"id": f"p-hh-{i}", "code": False, "category": "hh-rlhf", "text": first})
    for i, q in enumerate(gsm8k(resolve(mirror, "openai/grade-school-math"), "test")):
        if i % 4 == 2:
            records.append({"id": f"p-gsm8k-test-{i}", "code": False, "category": "gsm8k", "text": q})
    for lang in ("Italian-ISDT", "Portuguese-GSD"):
        repo = resolve(mirror, f"UniversalDependencies/UD_{lang}")
        used.append((f"UniversalDependencies/UD_{lang}", head(repo)))
        for i, s in enumerate(ud_sentences(repo)):
            if i % 12 == 0:
                records.append({"id": f"p-ud-{lang}-{i}", "code": False, "category": f"ud:{lang}", "text": s})
    for name, commit in used:
        print(f"{name} {commit}")
    write_records(out, records)


if __name__ == "__main__":
    main()

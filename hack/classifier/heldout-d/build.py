#!/usr/bin/env python3
"""Builds held-out set D for code detection from three public repositories, outside this repository.

Set D was built after the detector's rules were last tuned (sets A, B and C) and differs from set C on both sides:

  code (label true): 8-line windows from the middle of files (not the top, as set C) of github-linguist/linguist
    `samples/<Language>/`, in two groups: languages set C never used (Perl, Haskell, R, Elixir, Erlang, Clojure,
    OCaml, Objective-C, PowerShell, Makefile, Groovy, F#, Fortran, Nim, Zig, Assembly, CMake, HCL, GraphQL, Vue, XML,
    Julia, Crystal, Elm, Visual Basic .NET), and files of set C's languages that set C did not take (its selection is
    recomputed here and excluded). Each window is sent in one of four shapes in turn (bare, after a question, before
    a question, inside a sentence about a repository).
  no code (label false), natural language that is not math:
    - clinc/oos-eval `data/data_full.json` (CC BY 3.0): every 10th utterance of the `test` and `oos_test` splits,
      short requests to an assistant (banking, travel, cooking, small talk, out-of-scope questions);
    - clinc/oos-eval `data/all_wiki_sents.txt`: four consecutive Wikipedia sentences after "Summarize this:", every
      40th block (encyclopaedic prose with numbers, dates, names);
    - anthropics/hh-rlhf `harmless-base/test.jsonl.gz` (MIT): the first human turn of every 8th conversation
      (free-form chat, including requests the model should refuse).

usage: build.py <linguist git dir> <oos-eval git dir> <hh-rlhf git dir> <out.jsonl>
Each may be a checkout or a bare git directory (read with `git show HEAD:<path>`).
"""
import gzip
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from linguist_samples import MAX_CHARS, git, git_dir, set_c_snippet, write_records  # noqa: E402

SET_C_LANGUAGES = [
    "Python", "JavaScript", "TypeScript", "Java", "C", "C++", "C#", "Go", "Rust", "Ruby", "PHP", "Kotlin", "Swift",
    "Shell", "SQL", "YAML", "JSON", "HTML", "CSS", "Dockerfile", "TOML", "Diff", "Scala", "Dart", "Lua",
]
NEW_LANGUAGES = [
    "Perl", "Haskell", "R", "Elixir", "Erlang", "Clojure", "OCaml", "Objective-C", "PowerShell", "Makefile", "Groovy",
    "F#", "Fortran", "Nim", "Zig", "Assembly", "CMake", "HCL", "GraphQL", "Vue", "XML", "Julia", "Crystal", "Elm",
    "Visual Basic .NET",
]
PER_LANGUAGE = 6
LINES = 8
SHAPES = [
    "{s}",
    "Can you explain what this does?\n\n{s}",
    "{s}\n\nWhy doesn't this work?",
    "I found this in our repository and nobody knows who wrote it:\n{s}\nIs it safe to delete?",
]
def middle_window(text):
    lines = [l.rstrip() for l in text.splitlines() if l.strip()]
    if len(lines) < LINES:
        return None
    start = (len(lines) - LINES) // 2
    s = "\n".join(lines[start:start + LINES])
    return s if len(s) <= MAX_CHARS else None


def read(repo, path):
    try:
        return git(repo, "show", f"HEAD:{path}").decode("utf-8")
    except (subprocess.CalledProcessError, UnicodeDecodeError):
        return None


def names(repo, lang):
    try:
        out = git(repo, "ls-tree", "--name-only", f"HEAD:samples/{lang}").decode()
    except subprocess.CalledProcessError:
        return []
    return sorted(n for n in out.split("\n") if n)


def set_c_files(repo, lang):
    taken = set()
    for name in names(repo, lang):
        if len(taken) == 8:
            break
        raw = read(repo, f"samples/{lang}/{name}")
        if raw is not None and set_c_snippet(raw) is not None:
            taken.add(name)
    return taken


def main():
    linguist, oos, hh, out = git_dir(sys.argv[1]), git_dir(sys.argv[2]), git_dir(sys.argv[3]), sys.argv[4]
    records = []
    shape = 0
    for group, langs in (("new", NEW_LANGUAGES), ("unused", SET_C_LANGUAGES)):
        for lang in langs:
            skip = set_c_files(linguist, lang) if group == "unused" else set()
            # Last files first: furthest from the ones set C took in name order.
            taken = 0
            for name in reversed(names(linguist, lang)):
                if taken == PER_LANGUAGE:
                    break
                if name in skip:
                    continue
                raw = read(linguist, f"samples/{lang}/{name}")
                s = middle_window(raw) if raw is not None else None
                if s is None:
                    continue
                records.append({"id": f"d-{group}-{lang}-{taken}", "code": True, "category": f"{group}:{lang}",
                                "text": SHAPES[shape % len(SHAPES)].format(s=s)})
                shape += 1
                taken += 1

    data = json.loads(git(oos, "show", "HEAD:data/data_full.json"))
    for split in ("test", "oos_test"):
        for i, (utterance, intent) in enumerate(data[split]):
            if i % 10 == 0:
                records.append({"id": f"p-clinc-{split}-{i}", "code": False, "category": f"clinc:{intent}",
                                "text": utterance})

    sentences = [l.strip() for l in git(oos, "show", "HEAD:data/all_wiki_sents.txt").decode().splitlines() if l.strip()]
    for i in range(0, len(sentences) - 4, 40 * 4):
        records.append({"id": f"p-wiki-{i}", "code": False, "category": "wiki",
                        "text": "Summarize this:\n\n" + " ".join(sentences[i:i + 4])})

    for i, line in enumerate(gzip.decompress(git(hh, "show", "HEAD:harmless-base/test.jsonl.gz")).decode().splitlines()):
        if i % 8:
            continue
        chosen = json.loads(line)["chosen"]
        first = chosen.split("\n\nHuman: ", 1)[-1].split("\n\nAssistant:", 1)[0].strip()
        if first:
            records.append({"id": f"p-hh-{i}", "code": False, "category": "hh-rlhf", "text": first})

    write_records(out, records)


if __name__ == "__main__":
    main()

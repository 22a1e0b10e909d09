#!/usr/bin/env python3
"""Builds held-out set C for code detection from two public repositories, outside this repository.

Set C is not committed: its texts come from other projects (the repositories' own licences apply), so this script
rebuilds it from snapshots of them and writes one JSON object per line to the output file.

  code (label true): unfenced snippets of 12 lines from github-linguist/linguist `samples/<Language>/` for the common
    languages the router's detector targets, the first files of each language in name order, cut after the file's
    leading comment block; each snippet is sent bare, after a question, or after a complaint (three shapes in turn).
  no code (label false): math word problems from openai/grade-school-math `grade_school_math/data/test.jsonl`
    (GSM8K test split; not one of the sets reserved for independent evaluation), every 4th question.

usage: build.py <linguist checkout or git dir> <grade-school-math checkout or git dir> <out.jsonl>
Both may be bare git directories (read with `git show HEAD:<path>`).
"""
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from linguist_samples import git, git_dir, set_c_snippet, write_records  # noqa: E402

LANGUAGES = [
    "Python", "JavaScript", "TypeScript", "Java", "C", "C++", "C#", "Go", "Rust", "Ruby", "PHP", "Kotlin", "Swift",
    "Shell", "SQL", "YAML", "JSON", "HTML", "CSS", "Dockerfile", "TOML", "Diff", "Scala", "Dart", "Lua",
]
PER_LANGUAGE = 8
SHAPES = ["{s}", "What does this code do?\n\n{s}", "This gives me the wrong result and I can't see why:\n{s}"]
def main():
    linguist, gsm, out = git_dir(sys.argv[1]), git_dir(sys.argv[2]), sys.argv[3]
    records = []
    shape = 0
    for lang in LANGUAGES:
        names = git(linguist, "ls-tree", "--name-only", f"HEAD:samples/{lang}").decode().split("\n")
        taken = 0
        for name in sorted(n for n in names if n):
            if taken == PER_LANGUAGE:
                break
            try:
                raw = git(linguist, "show", f"HEAD:samples/{lang}/{name}").decode("utf-8")
            except (subprocess.CalledProcessError, UnicodeDecodeError):
                continue
            s = set_c_snippet(raw)
            if s is None:
                continue
            records.append({"id": f"c-{lang}-{taken}", "code": True, "category": lang,
                            "text": SHAPES[shape % len(SHAPES)].format(s=s)})
            shape += 1
            taken += 1
    for i, line in enumerate(git(gsm, "show", "HEAD:grade_school_math/data/test.jsonl").decode().splitlines()):
        if i % 4 == 0:
            records.append({"id": f"p-gsm8k-{i}", "code": False, "category": "gsm8k",
                            "text": json.loads(line)["question"]})
    write_records(out, records)


if __name__ == "__main__":
    main()

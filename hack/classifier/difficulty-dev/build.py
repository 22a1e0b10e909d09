#!/usr/bin/env python3
"""Builds the difficulty development set of issue 18's twelfth session (the heuristic stage's rules for long puzzles,
programming specifications and lower-case search questions were written on it and on the public dev split; it never
trains the learned stage and is not a held-out set).

    python3 hack/classifier/difficulty-dev/build.py <mirror> /tmp/difficulty-dev2.jsonl

<mirror> holds snapshots (bare git directories or checkouts) as <owner>+<name>/repo, the layout `fetch` leaves in
/work/.mirror. Sources (registered in the session's dev-sources list; none is reserved, derived from a reserved set,
or used by a held-out set):

- lgw863/LogiQA-dataset ff6c4cb `Eval.txt` (LogiQA, IJCAI 2020; civil-service logic exam questions): context,
  question and the four options as one prompt -> 3 (category multi-step). Every record of Eval.txt (651).
- florinpop17/app-ideas 08b771c (MIT) `Projects/*/*.md`: application specifications (description, constraints, user
  stories) up to their "Useful links" / "Example projects" section -> 3 (category request-write).
- brmson/dataset-factoid-curated 3b757bf `large2470-test.tsv` and `irc/irc-curated.tsv` (factoid questions, TREC and
  IRC): -> 1 (category factual). One question in two (by a hash of its id) is also written as a search query, i.e.
  lower-cased without its final '?', the form NQ-style search questions take (category factual-search).

Output: JSON lines {id, source, category, rating, text}, sorted by id; deterministic.
"""
import hashlib
import json
import os
import subprocess
import sys


def repo(mirror, name):
    base = os.path.join(mirror, name.replace("/", "+"))
    return os.path.join(base, "repo") if os.path.isdir(os.path.join(base, "repo")) else base


def show(path, rev, file):
    return subprocess.run(["git", "-C", path, "show", f"{rev}:{file}"], check=True, capture_output=True).stdout.decode("utf-8", "replace")


def ls(path, rev):
    return subprocess.run(["git", "-C", path, "ls-tree", "-r", "--name-only", rev], check=True, capture_output=True).stdout.decode().splitlines()


def h(s):
    return int(hashlib.sha256(s.encode()).hexdigest()[:8], 16)


def main(mirror, out):
    records = []
    logiqa = repo(mirror, "lgw863/LogiQA-dataset")
    lines = show(logiqa, "ff6c4cb", "Eval.txt").split("\n")
    for n, i in enumerate(range(0, len(lines) - 7, 8)):
        block = lines[i:i + 8]
        context, question, options = block[2].strip(), block[3].strip(), [o.strip() for o in block[4:8]]
        if not context or not question:
            continue
        records.append({"id": f"logiqa:{n:04d}", "source": "logiqa-eval", "category": "multi-step", "rating": 3,
                        "text": context + "\n" + question + "\n" + "\n".join(options)})

    apps = repo(mirror, "florinpop17/app-ideas")
    for f in ls(apps, "08b771c"):
        if not f.startswith("Projects/") or not f.endswith(".md"):
            continue
        text = show(apps, "08b771c", f)
        for stop in ("## Useful links", "## Example projects", "## Useful Links"):
            at = text.find(stop)
            if at > 0:
                text = text[:at]
        text = text.strip()
        if len(text) < 80:
            continue
        records.append({"id": "app-ideas:" + os.path.basename(f)[:-3], "source": "app-ideas", "category": "request-write", "rating": 3, "text": text})

    factoid = repo(mirror, "brmson/dataset-factoid-curated")
    for file, tag in (("large2470-test.tsv", "large"), ("irc/irc-curated.tsv", "irc")):
        for line in show(factoid, "3b757bf", file).splitlines():
            parts = line.split("\t")
            if len(parts) < 3 or parts[1] != "factoid":
                continue
            q = parts[2].strip()
            rid = f"factoid:{tag}-{parts[0]}"
            records.append({"id": rid, "source": "factoid-curated", "category": "factual", "rating": 1, "text": q})
            if h(rid) % 2 == 0:
                records.append({"id": rid + "-search", "source": "factoid-curated", "category": "factual-search", "rating": 1,
                                "text": q.rstrip("?").strip().lower()})

    records.sort(key=lambda r: r["id"])
    with open(out, "w", encoding="utf-8") as w:
        for r in records:
            w.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    counts = {}
    for r in records:
        counts[r["category"]] = counts.get(r["category"], 0) + 1
    print(len(records), counts)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

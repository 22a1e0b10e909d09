#!/usr/bin/env python3
"""Builds held-out set H for the difficulty stages (issue 18) from public repositories, outside this repository (the
texts keep their own licences and are not committed; this script and MANIFEST.md, with the commits, counts and the
built file's SHA-256, are).

Set H was frozen (this script and its manifest committed) before the classifier first ran on it, and it is measured
once with the weights shipped at that time ("first and only clean run" in docs/classification.md). None of its
sources is used to train or tune the learned stage (WebQuestions, CLINC150, Wikipedia sentences, GSM8K, AQuA-RAT,
Exercism problem specifications, the hand-written templates), and none is MT-Bench, HumanEval, MBPP, a self-instruct
set or derived from one (Alpaca, Code Alpaca and the like are not used).

One labelling rule per source (the project's labels, docs/classification.md "Evaluation": 1 = short factual,
2 = explain, advise, rewrite, summarise, 3 = write code, math, multi-step reasoning):

  factual, rating 1: google-research-datasets/natural-questions `nq_open/NQ-open.dev.jsonl` (NQ-open dev split,
    Kwiatkowski et al. 2019 / Lee et al. 2019, CC BY-SA 3.0): real Google search questions with short answers, sent
    as written (lower case, no question mark, as users type them).
  math, rating 3: arkilpatel/SVAMP `SVAMP.json` (Patel et al. 2021, MIT): one-step and two-step arithmetic word
    problems, `Body` + " " + `Question`.
  request-write, rating 3 (code generation):
    - zhiwehu/Python-programming-exercises `100+ Python challenging programming exercises for Python 3.md`: the
      text of each exercise (without its level and `Question:` label) up to its hints or solution (programming tasks, mostly "Write a program ...").
    - karan/Projects `README.md` (MIT, "Mega Project List"): every `**Name** - description` project, sent as
      "Name - description" (a program to write, in any language).
  multi-step, rating 3: suzgunmirac/BIG-Bench-Hard `bbh/<task>.json` (Suzgun et al. 2022, MIT), the `input` of the
    tasks that need several reasoning steps (MULTI_STEP_TASKS: dates, logical deduction, tracking shuffled objects,
    navigation, web of lies, temporal sequences, penguins in a table, coloured objects). BIG-Bench's canary asks that
    these texts never be trained on: this set is evaluation only.
  advice, rating 2: Open-Assistant/oasst-model-eval (Apache 2.0), the English prompts sampled from the Open-Assistant
    prompt database in `model_eval/manual/data/en_100_text.jsonl` and `sampling_reports/oasst-sft/1k-prompts/*.json`
    (`prompts[].prompt`), kept when the prompt opens like an open-ended request for advice, a how-to, an explanation
    or an opinion (ADVICE_OPENERS) and names no programming, writing or computing task (NOT_ADVICE words); at most
    600 characters.

Sampling: per category the PER_CATEGORY items with the smallest SHA-256 of their id (no random generator); the code
generation category takes its items from its two sources together, and the multi-step category the same number per
task. The script prints the commit of each snapshot, the counts and the SHA-256 of its output: the same snapshots give
the same file.

usage: build.py <mirror dir> <out.jsonl>
  <mirror dir> holds snapshots (bare git directories or checkouts) as <owner>+<name>/repo, the layout `fetch` leaves
  in /work/.mirror; each is read at its HEAD.
Record: {"id", "source", "category", "rating", "text"}.
"""
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from linguist_samples import git, git_dir  # noqa: E402

PER_CATEGORY = 150
REPOS = {
    "nq": "google-research-datasets+natural-questions",
    "svamp": "arkilpatel+SVAMP",
    "pyex": "zhiwehu+Python-programming-exercises",
    "projects": "karan+Projects",
    "bbh": "suzgunmirac+BIG-Bench-Hard",
    "oasst": "Open-Assistant+oasst-model-eval",
}
MULTI_STEP_TASKS = ["date_understanding", "logical_deduction_five_objects", "tracking_shuffled_objects_five_objects",
                    "navigate", "web_of_lies", "temporal_sequences", "penguins_in_a_table",
                    "reasoning_about_colored_objects"]
ADVICE_OPENERS = ("how can i ", "how do i ", "how should i ", "how to ", "how would i ", "how could i ", "what should i ",
                  "what are some ", "what is the best ", "what's the best ", "what are the best ", "what are good ",
                  "what is a good ", "what's a good ", "any tips", "any advice", "give me tips", "give me advice",
                  "give me some tips", "give me some advice", "can you give me advice", "can you give me tips",
                  "can you give me some advice", "can you give me some tips", "should i ", "why do ", "why does ",
                  "why is ", "why are ", "why can't ", "why don't ", "explain ", "can you explain ", "could you explain ",
                  "please explain ", "what do you think", "what are the pros and cons", "what are the benefits",
                  "what are the advantages", "what are the differences", "what is the difference", "what's the difference",
                  "is it better ", "is it a good idea", "is it worth ", "do you think ", "i need advice", "i need help with ",
                  "what would you recommend", "can you recommend", "could you recommend", "recommend ")
NOT_ADVICE = re.compile(r"\b(python|javascript|js|typescript|java|c\+\+|c#|rust|golang|sql|html|css|regex|code|coding|"
                        r"program|programming|function|script|compile|algorithm|api|bash|linux|excel|formula|"
                        r"write|poem|story|essay|song|calculate|solve|equation|prove)\b", re.IGNORECASE)
MAX_ADVICE_CHARS = 600


def h(key):
    return hashlib.sha256(key.encode()).hexdigest()


def first(items, n):
    """The n (id, ...) items with the smallest hash of their id."""
    return sorted(items, key=lambda it: h(it[0]))[:n]


def show(repo, path):
    return git(repo, "show", f"HEAD:{path}").decode("utf-8")


def nq(repo):
    items = []
    for i, line in enumerate(show(repo, "nq_open/NQ-open.dev.jsonl").splitlines()):
        if line.strip():
            items.append((f"nq:{i}", "nq-open-dev", json.loads(line)["question"].strip()))
    return items


def svamp(repo):
    return [(f"svamp:{p['ID']}", "svamp", f"{p['Body'].strip()} {p['Question'].strip()}")
            for p in json.loads(show(repo, "SVAMP.json"))]


def python_exercises(repo):
    md = show(repo, "100+ Python challenging programming exercises for Python 3.md")
    items = []
    for m in re.finditer(r"### Question (\d+)\s*\n(.*?)(?=\n### Question |\Z)", md, re.S):
        # The text after the header, without its "Level n" line and "Question:" label, up to the hints or solution.
        body = re.split(r"\n\s*(?:Hints?:?|Solution:?|```)", m.group(2))[0]
        lines = [l for l in body.strip().splitlines() if not re.fullmatch(r"\s*(Level \d+|Question:?)\s*", l)]
        text = "\n".join(lines).strip()
        text = re.sub(r"^Question:\s*", "", text)
        if len(text) >= 30:
            items.append((f"pyex:{m.group(1)}", "python-exercises", text))
    return items


def projects(repo):
    items = []
    for m in re.finditer(r"^\*\*(.+?)\*\* - (.+)$", show(repo, "README.md"), re.M):
        items.append((f"projects:{m.group(1).strip()}", "mega-project-list", f"{m.group(1).strip()} - {m.group(2).strip()}"))
    return items


def bbh(repo):
    per_task = -(-PER_CATEGORY // len(MULTI_STEP_TASKS))
    items = []
    for task in MULTI_STEP_TASKS:
        examples = json.loads(show(repo, f"bbh/{task}.json"))["examples"]
        items += first([(f"bbh:{task}:{i}", f"bbh-{task}", e["input"].strip()) for i, e in enumerate(examples)], per_task)
    return items


def oasst_prompts(repo):
    prompts = [json.loads(l) for l in show(repo, "model_eval/manual/data/en_100_text.jsonl").splitlines() if l.strip()]
    names = git(repo, "ls-tree", "--name-only", "HEAD:sampling_reports/oasst-sft/1k-prompts/").decode().split()
    for name in sorted(names):
        prompts += [p["prompt"] for p in json.loads(show(repo, f"sampling_reports/oasst-sft/1k-prompts/{name}"))["prompts"]]
    seen = set()
    items = []
    for p in prompts:
        text = p.strip()
        if text in seen:
            continue
        seen.add(text)
        low = " ".join(text.lower().split())
        if low.startswith(ADVICE_OPENERS) and not NOT_ADVICE.search(text) and len(text) <= MAX_ADVICE_CHARS:
            items.append((f"oasst:{h(text)[:16]}", "oasst-prompts", text))
    return items


def main():
    mirror, out = Path(sys.argv[1]), sys.argv[2]
    repos = {k: git_dir(str(mirror / v / "repo")) for k, v in REPOS.items()}
    categories = [
        ("factual", 1, first(nq(repos["nq"]), PER_CATEGORY)),
        ("advice", 2, first(oasst_prompts(repos["oasst"]), PER_CATEGORY)),
        ("math", 3, first(svamp(repos["svamp"]), PER_CATEGORY)),
        ("request-write", 3, first(python_exercises(repos["pyex"]) + projects(repos["projects"]), PER_CATEGORY)),
        ("multi-step", 3, first(bbh(repos["bbh"]), PER_CATEGORY)),
    ]
    records = [{"id": i, "source": s, "category": c, "rating": r, "text": t}
               for c, r, items in categories for i, s, t in items]
    for key, repo in repos.items():
        print(REPOS[key], git(repo, "rev-parse", "HEAD").decode().strip())
    with open(out, "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
    for (c, s), n in sorted(Counter((r["category"], r["source"]) for r in records).items()):
        print(c, s, n)
    print(f"{out}: {len(records)} records, sha256 {hashlib.sha256(Path(out).read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()

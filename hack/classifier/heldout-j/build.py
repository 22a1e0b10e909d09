#!/usr/bin/env python3
"""Builds held-out set J for the difficulty stages (issue 18, the next clean set after H) from public repositories,
outside this repository (the texts keep their own licences and are not committed; this script and MANIFEST.md, with
the commits, counts and the built file's SHA-256, are).

Set J was frozen (this script and its manifest committed) before the classifier first ran on it; it is measured once,
by the integrator, with the stages as they are then. None of its sources trains or tunes the learned stage, none is
used by set H or by any earlier builder, none is listed in /work/wt/dev-sources.txt (each was registered in
/work/wt/heldout-sources.txt before the build; LogiQA and app-ideas, first chosen here, were left to the difficulty
helper's development data by the integrator and are not used), and none is MT-Bench, HumanEval, MBPP, a self-instruct
set or derived from one.

The project's labels (docs/classification.md "Evaluation": 1 = short factual, 2 = explain, advise, rewrite,
summarise, 3 = write code, math, multi-step reasoning), one rule per source:

  factual, rating 1: uberspot/OpenTriviaQA `categories/*` (Creative Commons, CC BY-SA 4.0 per its LICENSE): trivia questions (`#Q` lines) of the
    general-knowledge categories (FACTUAL_FILES), sent without their answer choices; only questions (ending in '?':
    the true/false statements and clue-style items are left out), and not those that need the choices ("which of
    these", "the following", "all of the") or run over 150 characters.
  advice, rating 2:
    - nbertagnolli/counsel-chat `data/20200325_counsel_chat.csv` (MIT): the question people asked a therapist
      (`questionText`, one per `questionID`), up to 800 characters;
    - chaitanyamalaviya/ExpertQA `data/lfqa/rand_lfqa_{test,val}.json` (MIT; Malaviya et al. 2024): experts'
      open questions in 32 fields, the half whose SHA-256 of the example id ends in an odd byte (set I takes the even
      half of the test file as negatives), without questions that ask for code, a calculation or a proof (NOT_ADVICE),
      up to 600 characters.
  summarise, rating 2: suraj-deshmukh/BBC-Dataset-News-Classification `dataset/data_files/{business,entertainment,
    politics,sport}/*.txt` (the BBC dataset, Greene and Cunningham 2006; for research use): an article's first paragraphs up to 1,200
    characters inside one of five text-task frames written for this set (TEXT_TASKS: summarise, list the main points,
    extract names, rewrite simply, one-paragraph summary), in turn.
  math, rating 3: chaochun/nlu-asdiv-dataset `dataset/ASDiv.xml` (CC BY-NC 4.0; Miao et al. 2020): `Body` + " " +
    `Question` of each problem (grades 1-6, one to several steps).
  request-write, rating 3 (code generation): Asabeneh/30-Days-Of-Python and Asabeneh/30-Days-Of-JavaScript
    (`NN_Day_*/*.md`, English days only; no licence file): the numbered exercise items that ask for a program or a
    function (opening with "Write", "Create", "Declare", "Define", "Implement", "Develop", "Build", "Make" or
    "Generate" and naming a function, program, script, class, method, loop, app, generator or regular expression:
    WRITE_OPENERS, WRITE_WORDS), without those that end in ':' (they need a list or code that follows); and
    Python-World/python-mini-projects (MIT): the names of its `projects/` folders (underscores as spaces) inside one
    of three request frames written for this set (PROJECT_FRAMES), as a user names a small program to write.
  multi-step, rating 3:
    - zhongwanjun/AR-LSAT `data/AR_TestData.json`, `data/AR_DevelopmentData.json` (MIT; Zhong et al. 2021): LSAT
      analytical-reasoning games, the passage (rules) + one question + its five options (A)-(E);
    - Mihir3009/LogicBench `data/LogicBench(Eval)/BQA/*/<chain>/data_instances.json` (MIT; Parmar et al. 2024): a
      context and one yes/no question for the inference patterns that chain two or more rules (CHAINS: dilemmas,
      hypothetical syllogism, disjunctive syllogism, modus tollens).

Sampling: per source the items with the smallest SHA-256 of their id (no random generator), PER_CATEGORY per category
(split between the sources of a category as SPLIT says). The script prints each snapshot's commit, the counts and the
SHA-256 of its output: the same snapshots give the same file.

No "realistic day" mix is built: the categories' shares of a day are a weighting the test or the report can apply to
the per-category figures; a mixed category would count its records twice in the confusion matrix.

usage: build.py <mirror dir> <out.jsonl>
  <mirror dir> holds snapshots (bare git directories or checkouts) as <owner>+<name>/repo, the layout `fetch` leaves
  in /work/.mirror; each is read at its HEAD.
Record: {"id", "source", "category", "rating", "text"}.
"""
import csv
import hashlib
import io
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from linguist_samples import git, git_dir  # noqa: E402

PER_CATEGORY = 150
REPOS = {
    "trivia": "uberspot/OpenTriviaQA",
    "counsel": "nbertagnolli/counsel-chat",
    "expertqa": "chaitanyamalaviya/ExpertQA",
    "bbc": "suraj-deshmukh/BBC-Dataset-News-Classification",
    "asdiv": "chaochun/nlu-asdiv-dataset",
    "py30": "Asabeneh/30-Days-Of-Python",
    "js30": "Asabeneh/30-Days-Of-JavaScript",
    "mini": "Python-World/python-mini-projects",
    "arlsat": "zhongwanjun/AR-LSAT",
    "logicbench": "Mihir3009/LogicBench",
}
FACTUAL_FILES = ["general", "geography", "history", "science-technology", "world", "animals", "religion-faith",
                 "humanities", "literature", "sports"]
NEEDS_CHOICES = re.compile(r"\b(of these|the following|all of the|none of the|of the above)\b", re.I)
NOT_ADVICE = re.compile(r"\b(code|program|programming|script|python|java|sql|algorithm|calculate|compute|equation|"
                        r"formula|prove|proof|derive|solve)\b", re.I)
WRITE_OPENERS = re.compile(r"^(Write|Create|Declare|Define|Implement|Develop|Build|Make|Generate)\b", re.I)
WRITE_WORDS = re.compile(r"\b(functions?|program|script|class|methods?|loops?|app|application|generator|regular "
                         r"expressions?|regex|pattern)\b", re.I)
CHAINS = ["bidirectional_dilemma", "constructive_dilemma", "destructive_dilemma", "hypothetical_syllogism",
          "disjunctive_syllogism", "modus_tollens"]
TEXT_TASKS = [
    "Summarise this article in three sentences:\n\n{t}",
    "{t}\n\nWhat are the main points of this article? A short bullet list is fine.",
    "Extract the names of all the people and organisations mentioned in the following text.\n\n{t}",
    "Rewrite the following news piece in plain, simple English for a younger reader:\n\n{t}",
    "Can you give me a one-paragraph summary of this?\n\n{t}",
]
# How many of a category's PER_CATEGORY records each source gives (the rest: the last source).
SPLIT = {"advice": {"counsel-chat": 75}, "request-write": {"30-days-of-python": 40, "30-days-of-javascript": 60},
         "multi-step": {"ar-lsat": 100}}
PROJECT_FRAMES = [
    "Write a Python script for this: {n}.",
    "Can you code a small Python project for me? {n}",
    "I need a program in Python - {n}. Please write it.",
]


def h(key):
    return hashlib.sha256(key.encode()).hexdigest()


def first(items, n):
    """The n (id, ...) items with the smallest hash of their id."""
    return sorted(items, key=lambda it: h(it[0]))[:n]


def show(repo, path):
    """A file of HEAD as text: UTF-8, or Latin-1 for the files that are not (some OpenTriviaQA categories)."""
    raw = git(repo, "show", f"HEAD:{path}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def names(repo, under=""):
    return sorted(git(repo, "ls-tree", "-r", "--name-only", "HEAD", *([under] if under else [])).decode().split("\n"))


def trivia(repo):
    items = []
    for name in FACTUAL_FILES:
        for m in re.finditer(r"^#Q (.+)$", show(repo, f"categories/{name}"), re.M):
            q = " ".join(m.group(1).split())
            if 15 <= len(q) <= 150 and q.endswith("?") and not NEEDS_CHOICES.search(q):
                items.append((f"trivia:{name}:{h(q)[:16]}", "opentriviaqa", q))
    return list({i[0]: i for i in items}.values())


def counsel(repo):
    items, seen = [], set()
    for row in csv.DictReader(io.StringIO(show(repo, "data/20200325_counsel_chat.csv"))):
        qid = row["questionID"]
        text = " ".join((row["questionText"] or "").split())
        if qid in seen or not 20 <= len(text) <= 800:
            continue
        seen.add(qid)
        items.append((f"counsel:{qid}", "counsel-chat", text))
    return items


def expertqa_half(example_id):
    """0 for set I, 1 for set J (the last byte of the SHA-256 of the example id, its lowest bit)."""
    return hashlib.sha256(str(example_id).encode()).digest()[-1] & 1


def expertqa(repo):
    items = []
    for split in ("test", "val"):
        for line in show(repo, f"data/lfqa/rand_lfqa_{split}.json").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            q = " ".join(item["question"].split())
            if expertqa_half(item["example_id"]) == 1 and 20 <= len(q) <= 600 and not NOT_ADVICE.search(q):
                items.append((f"expertqa:{split}:{item['example_id']}", "expertqa", q))
    return items


def bbc(repo):
    items = []
    for topic in ("business", "entertainment", "politics", "sport"):
        for path in names(repo, f"dataset/data_files/{topic}"):
            if not path.endswith(".txt"):
                continue
            raw = show(repo, path)
            out = ""
            for p in (p.strip() for p in raw.split("\n\n") if p.strip()):
                if len(out) + len(p) + 2 > 1200:
                    break
                out = f"{out}\n\n{p}" if out else p
            if len(out) >= 300:
                items.append((f"bbc:{path}", "bbc-news", out))
    return items


def asdiv(repo):
    root = ET.fromstring(git(repo, "show", "HEAD:dataset/ASDiv.xml"))
    items = []
    for p in root.iter("Problem"):
        body, question = (p.findtext("Body") or "").strip(), (p.findtext("Question") or "").strip()
        if question:
            items.append((f"asdiv:{p.get('ID')}", "asdiv", f"{body} {question}".strip()))
    return items


def exercises(repo, source):
    items = []
    for path in names(repo):
        if not re.match(r"^\d\d_Day_[^/]+/[^/]+\.md$", path):
            continue
        for m in re.finditer(r"^\s*\d+\.\s+(.+)$", show(repo, path), re.M):
            item = " ".join(m.group(1).split())
            if WRITE_OPENERS.match(item) and WRITE_WORDS.search(item) and not item.endswith(":") and len(item) >= 30:
                items.append((f"{source}:{h(item)[:16]}", source, item))
    return list({i[0]: i for i in items}.values())


def mini_projects(repo):
    """The project folders' names of python-mini-projects (its READMEs are free-form), spaces for underscores,
    inside one of PROJECT_FRAMES in turn (by the hash order of the names)."""
    projects = sorted({p.split("/")[1] for p in names(repo, "projects") if p.count("/") >= 2})
    items = [(f"mini:{p}", "python-mini-projects", " ".join(p.replace("_", " ").replace("-", " ").split()))
             for p in projects if len(p) >= 8]
    return [(i, s, PROJECT_FRAMES[k % len(PROJECT_FRAMES)].format(n=n)) for k, (i, s, n) in
            enumerate(sorted(items, key=lambda it: h(it[0])))]


def ar_lsat(repo):
    items = []
    for path in ("data/AR_TestData.json", "data/AR_DevelopmentData.json"):
        for game in json.loads(show(repo, path)):
            for q in game["questions"]:
                options = "\n".join(f"({'ABCDE'[i]}) {o.strip()}" for i, o in enumerate(q["options"]))
                items.append((f"arlsat:{q['id']}", "ar-lsat", f"{game['passage'].strip()}\n\n{q['question'].strip()}\n{options}"))
    return items


def logicbench(repo):
    items = []
    for path in names(repo, "data/LogicBench(Eval)/BQA"):
        parts = path.split("/")
        if len(parts) < 6 or parts[-2] not in CHAINS or not path.endswith("data_instances.json"):
            continue
        for s in json.loads(show(repo, path))["samples"]:
            for k, qa in enumerate(s["qa_pairs"]):
                items.append((f"logicbench:{parts[-3]}:{parts[-2]}:{s['id']}:{k}", "logicbench",
                              f"{s['context'].strip()}\n\n{qa['question'].strip()}"))
    return items


def take(category, per_source):
    """PER_CATEGORY items of a category from its sources: SPLIT's share of each, the rest from the last one."""
    out, left = [], PER_CATEGORY
    for i, (source, items) in enumerate(per_source):
        n = left if i == len(per_source) - 1 else SPLIT[category][source]
        chosen = first(items, n)
        assert len(chosen) == n, f"{category}/{source}: {len(chosen)} of {n}"
        out += chosen
        left -= n
    return out


def main():
    mirror, out = Path(sys.argv[1]), sys.argv[2]
    repos = {k: git_dir(str(mirror / v.replace("/", "+") / "repo")) for k, v in REPOS.items()}
    categories = [
        ("factual", 1, take("factual", [("opentriviaqa", trivia(repos["trivia"]))])),
        ("advice", 2, take("advice", [("counsel-chat", counsel(repos["counsel"])), ("expertqa", expertqa(repos["expertqa"]))])),
        ("summarise", 2, [(i, s, TEXT_TASKS[n % len(TEXT_TASKS)].format(t=t))
                          for n, (i, s, t) in enumerate(take("summarise", [("bbc-news", bbc(repos["bbc"]))]))]),
        ("math", 3, take("math", [("asdiv", asdiv(repos["asdiv"]))])),
        ("request-write", 3, take("request-write", [("30-days-of-python", exercises(repos["py30"], "30-days-of-python")),
                                                    ("30-days-of-javascript", exercises(repos["js30"], "30-days-of-javascript")),
                                                    ("python-mini-projects", mini_projects(repos["mini"]))])),
        ("multi-step", 3, take("multi-step", [("ar-lsat", ar_lsat(repos["arlsat"])), ("logicbench", logicbench(repos["logicbench"]))])),
    ]
    records = []
    for category, rating, items in categories:
        for item_id, source, text in items:
            records.append({"id": item_id, "source": source, "category": category, "rating": rating, "text": text})
    with open(out, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    for key, name in REPOS.items():
        print(f"source {name} {git(repos[key], 'rev-parse', 'HEAD').decode().strip()}")
    for (category, source), n in sorted(Counter((r["category"], r["source"]) for r in records).items()):
        print(f"count {category} {source} {n}")
    print(f"records {len(records)}")
    print(f"sha256 {hashlib.sha256(Path(out).read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Builds the public training data of the learned difficulty stage (issue 18) from snapshots of public repositories,
outside this repository (the texts keep their own licences and are not committed; the weights trained on them are).

Each source maps to a rating by one rule (1 = short factual or small talk, 2 = advice, explanation, rewriting,
summarising, extracting, 3 = code generation, math, multi-step reasoning), the project's labels
(docs/classification.md, "Difficulty"):

  clinc/oos-eval `data/data_full.json` (CC BY 3.0), split `train` only: short requests to a voice assistant.
    Rating 1, except the eight intents that ask for a suggestion or a how-to (ADVICE_INTENTS: recipe, meal,
    restaurant and travel suggestions, improving a credit score, jump-starting a car, changing oil, redeeming
    rewards): rating 2. The `calculator` intent is left out. Source `clinc150`.
    Source `clinc150-howto`: every utterance of the other intents that opens like a request for a procedure or
    advice (HOW_TO: "how do i ...", "what should i ...", "is there a way ..."): rating 2, the project's "advise"
    (the intent label does not say which phrasing was used). Those utterances are not in `clinc150`.
    Up to 12 utterances per rating-1 intent, every utterance of the advice intents.
  brmson/dataset-factoid-webquestions `main/trainmodel.json` (WebQuestions, Berant et al. 2013, CC BY 4.0), the
    repository's training split: short factual questions. Rating 1. 1,000 questions.
  clinc/oos-eval `data/all_wiki_sents.txt` (Wikipedia sentences shipped with CLINC150): three consecutive sentences
    inside one of TEXT_TASKS (summarise, rewrite, extract, title, proofread, explain ...). Rating 2. 600 blocks,
    every 40th sentence from the 20th (set D takes four from every 160th, so none is shared with set D).
  openai/grade-school-math `grade_school_math/data/train.jsonl` (GSM8K, MIT), `train` only (set C uses `test`):
    grade-school word problems. Rating 3. 1,500 questions.
  google-deepmind/AQuA `dev.json` (AQuA-RAT, Apache 2.0), `dev` only: multiple-choice algebra word problems, the
    question followed by its options. Rating 3. All 254.
  exercism/problem-specifications `exercises/*/` (MIT), exercises not marked deprecated: programming tasks. Rating 3.
    Per exercise: the instructions (`instructions.md`, else `description.md`: the text up to the first example or
    table, link references dropped, at most 1,500 characters) sent as they are, and the one-line `blurb` of
    `metadata.toml` inside one of CODE_TASKS with a language, in turn.
  liye/ASQ `data/asq_test.json` (ASQ, "Asking the Right Question: Inferring Advice-Seeking Intentions from Personal
    Narratives", Fu, Chang and Danescu-Niculescu-Mizil, NAACL 2019; advice posts from Reddit): the advice-seeking
    question the author of each post asked (the candidate that `label` names; the other candidate, a question from
    another post, is not used), sent alone. Rating 2, the project's "advise": open-ended requests for advice, a how-to
    or an opinion, which no other source here labels 2. Of the ASQ_ITEMS items with the smallest hash, every `dev`
    one is kept (for evaluation) and only the first ASQ_TRAIN `train` ones: more advice questions, or the post's
    narrative before the question, pull multi-step reasoning prompts towards 2 (measured in docs/classification.md,
    "Label 2 for advice questions"). Only the test file is reachable (train and held-out are over 4 MiB). Source `asq`.
  Yale-LILY/FOLIO `data/v0.0/folio-train.jsonl` (FOLIO, Han et al. 2022, CC BY-SA 4.0), `train` only: natural-language
    premises and a conclusion whose truth follows by first-order deduction over several of them. Rating 3 (multi-step
    reasoning). Every example, premises and conclusion inside one of LOGIC_TASKS in turn; split by story, so the
    examples that share premises share a split. Source `folio`.

Not used, on purpose: MT-Bench, HumanEval, MBPP and the self-instruct seed and user-oriented sets (reserved for
independent evaluation), repositories that embed them, and the project's own evaluation sets A and B. A snapshot's
files of 4 MiB and more are absent here, which rules out SQuAD, databricks-dolly-15k (its one file is a Git LFS
pointer in the reachable copy) and ASQ's train split.

Selection is by a SHA-256 of each item's id, so it does not depend on Python's random module; each record gets
split `dev` for one id in five by that hash (both records of an Exercism exercise follow the exercise's), else
`train`. The script prints the SHA-256 of its output: the same snapshots give the same file.

usage: build.py <oos-eval> <webquestions> <grade-school-math> <AQuA> <problem-specifications> <ASQ> <FOLIO> <out.jsonl>
Each may be a checkout or a bare git directory (read with `git show HEAD:<path>`).
"""
import hashlib
import json
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from linguist_samples import git, git_dir  # noqa: E402

# Intents that ask for a suggestion or a how-to (the project's "advise" = 2); `calculator` ("what is 7 x 7") is
# arithmetic too trivial for 3 and not factual, so it is left out.
ADVICE_INTENTS = {"recipe", "meal_suggestion", "restaurant_suggestion", "travel_suggestion", "improve_credit_score",
                  "jump_start", "oil_change_how", "redeem_rewards"}
LEFT_OUT_INTENTS = {"calculator"}
# An utterance of a rating-1 intent phrased as a request for a procedure or advice: rating 2 (source clinc150-howto).
HOW_TO = ("how do ", "how can ", "how to ", "how should ", "what should ", "should i ", "what steps ", "ways to ",
          "what can i do", "walk me through", "what do i need to do", "what is the process", "is there a way")
CLINC_PER_INTENT = 12
WEBQUESTIONS = 1000
WIKI_BLOCKS = 600
GSM8K = 1500
MAX_CHARS = 1500
ASQ_ITEMS = 1500
ASQ_TRAIN = 200
TEXT_TASKS = [
    "Summarize this in one sentence:\n\n{t}",
    "Rewrite the following paragraph in simpler words:\n\n{t}",
    "Extract every name, place and date mentioned here:\n{t}",
    "{t}\n\nSuggest a short title for this paragraph.",
    "Proofread this and fix the punctuation and capitalisation: {t}",
    "Explain what this passage is about to a ten-year-old: {t}",
    "Turn this text into three bullet points:\n{t}",
    "{t}\n\nWhat is the main point of the text above?",
]
CODE_TASKS = [
    "Write a {lang} program for this task. {b}",
    "In {lang}: {b}",
    "{b} Implement it in {lang}, with tests.",
    "I need {lang} code that does the following. {b}",
    "Can you solve this exercise in {lang}? {b}",
]
LOGIC_TASKS = [
    "{p}\n\nBased on the premises above, is the following conclusion true, false or uncertain? {c}",
    "Premises: {p}\nConclusion: {c}\nDoes the conclusion follow from the premises? Answer true, false or uncertain and show your reasoning.",
    "Suppose that: {p} Is it true, false or impossible to tell that {c0}?",
]
LANGS = ["Python", "Java", "C#", "Go", "Rust", "JavaScript", "TypeScript", "C++", "Ruby", "Kotlin", "Swift", "Haskell"]


def h(key):
    return hashlib.sha256(key.encode()).hexdigest()


def split_of(key):
    return "dev" if int(h(key)[:8], 16) % 5 == 0 else "train"


def first(items, n):
    """The n items with the smallest hash of their id: a fixed sample."""
    return sorted(items, key=lambda kv: h(kv[0]))[:n]


def rec(source, key, rating, text, split=None):
    return {"id": f"{source}:{key}", "source": source, "rating": rating, "split": split or split_of(f"{source}:{key}"),
            "text": text.strip()}


def instructions(md):
    """The task statement of an Exercism markdown file: up to the first example, table or code block."""
    out = []
    for line in md.splitlines():
        s = line.strip()
        if s.startswith("# "):
            continue
        if s.startswith(("```", "|", "~~~")) or s.lower().startswith(("## example", "for example", "## note")):
            break
        if s.startswith("[") and "]:" in s:
            continue
        out.append(line.rstrip())
    text = "\n".join(out).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rsplit("\n", 1)[0]
    return text


def main():
    oos, wq, gsm, aqua, spec, asq, folio = (git_dir(p) for p in sys.argv[1:8])
    out = sys.argv[8]
    records = []

    data = json.loads(git(oos, "show", "HEAD:data/data_full.json"))
    by_intent = defaultdict(list)
    for i, (utterance, intent) in enumerate(data["train"]):
        by_intent[intent].append((f"{intent}-{i}", utterance))
    for intent in sorted(set(by_intent) - LEFT_OUT_INTENTS):
        advice = intent in ADVICE_INTENTS
        if advice:
            records += [rec("clinc150", k, 2, t) for k, t in by_intent[intent]]
        else:
            records += [rec("clinc150", k, 1, t) for k, t in first([(k, t) for k, t in by_intent[intent] if not t.startswith(HOW_TO)], CLINC_PER_INTENT)]
            records += [rec("clinc150-howto", k, 2, t) for k, t in by_intent[intent] if t.startswith(HOW_TO)]

    questions = json.loads(git(wq, "show", "HEAD:main/trainmodel.json"))
    records += [rec("webquestions", k, 1, t) for k, t in first([(q["qId"], q["qText"]) for q in questions], WEBQUESTIONS)]

    sentences = [l.strip() for l in git(oos, "show", "HEAD:data/all_wiki_sents.txt").decode().splitlines() if l.strip()]
    blocks = [(str(i), " ".join(s[:1].upper() + s[1:] + "." for s in sentences[i:i + 3]))
              for i in range(20, len(sentences) - 3, 40)]
    for n, (k, t) in enumerate(first(blocks, WIKI_BLOCKS)):
        records.append(rec("wiki", k, 2, TEXT_TASKS[n % len(TEXT_TASKS)].format(t=t)))

    gsm_items = [(str(i), json.loads(l)["question"])
                 for i, l in enumerate(git(gsm, "show", "HEAD:grade_school_math/data/train.jsonl").decode().splitlines())]
    records += [rec("gsm8k", k, 3, t) for k, t in first(gsm_items, GSM8K)]

    for i, line in enumerate(git(aqua, "show", "HEAD:dev.json").decode().splitlines()):
        q = json.loads(line)
        records.append(rec("aqua", str(i), 3, q["question"] + "\nOptions: " + ", ".join(q["options"])))

    names = git(spec, "ls-tree", "--name-only", "HEAD:exercises/").decode().split("\n")
    frame = 0
    for name in sorted(n for n in names if n):
        files = set(git(spec, "ls-tree", "--name-only", f"HEAD:exercises/{name}/").decode().split("\n"))
        if ".deprecated" in files or "metadata.toml" not in files:
            continue
        split = split_of(f"exercism:{name}")
        for md in ("instructions.md", "description.md"):
            if md in files:
                text = instructions(git(spec, "show", f"HEAD:exercises/{name}/{md}").decode())
                if len(text) >= 40:
                    records.append(rec("exercism", name, 3, text, split))
                break
        blurb = tomllib.loads(git(spec, "show", f"HEAD:exercises/{name}/metadata.toml").decode()).get("blurb", "")
        if blurb:
            lang = LANGS[frame % len(LANGS)]
            records.append(rec("exercism-blurb", name, 3, CODE_TASKS[frame % len(CODE_TASKS)].format(lang=lang, b=blurb), split))
            frame += 1

    asq_items = [(x["id"], x) for x in json.loads(git(asq, "show", "HEAD:data/asq_test.json"))]
    train = 0
    for k, x in first(asq_items, ASQ_ITEMS):
        r = rec("asq", k, 2, " ".join((x["qn1"] if x["label"] == 0 else x["qn2"]).split()))
        if r["split"] == "train":
            train += 1
            if train > ASQ_TRAIN:
                continue
        records.append(r)

    for n, line in enumerate(git(folio, "show", "HEAD:data/v0.0/folio-train.jsonl").decode().splitlines()):
        x = json.loads(line)
        premises = " ".join(" ".join(p.split()) for p in x["premises"])
        conclusion = " ".join(x["conclusion"].split())
        c0 = conclusion[:1].lower() + conclusion[1:].rstrip(".")
        text = LOGIC_TASKS[n % len(LOGIC_TASKS)].format(p=premises, c=conclusion, c0=c0)
        records.append(rec("folio", str(x["example_id"]), 3, text, split_of(f"folio:story-{x['story_id']}")))

    for name, repo in (("oos-eval", oos), ("webquestions", wq), ("grade-school-math", gsm), ("AQuA", aqua),
                       ("problem-specifications", spec), ("ASQ", asq), ("FOLIO", folio)):
        print(name, git(repo, "rev-parse", "HEAD").decode().strip())
    records = [r for r in records if r["text"]]
    with open(out, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    counts = defaultdict(int)
    for r in records:
        counts[(r["source"], r["rating"], r["split"])] += 1
    for key in sorted(counts):
        print(*key, counts[key])
    print(f"{out}: {len(records)} records, sha256 {hashlib.sha256(Path(out).read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()

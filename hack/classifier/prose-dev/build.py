#!/usr/bin/env python3
"""Builds a development set for code detection's false positives on prose about programming (issue 18, twelfth
session), outside this repository, from public repositories that no held-out set uses (registered in the session's
dev-sources list before use; none is in heldout-sources, hack/classifier/heldout-*/build.py or the held-out sets' docs).

  no code (label false), categories by shape:
    - pd:<book>    prose paragraphs without inline code of marijnh/Eloquent-JavaScript, rust-lang/nomicon,
                   donnemartin/system-design-primer and pallets/flask's docs (every 3rd);
    - pdc:<book>   paragraphs of the same books that do hold inline code spans (every 3rd; the spans kept as written);
    - cl:<repo>    changelog entries of pallets/flask CHANGES.rst and psf/black CHANGES.md: one entry alone
                   (cl1:) and blocks of five consecutive entries (cl5:), as pasted;
    - doc1:<repo>  first lines of function and class docstrings of pallets/flask src/ and psf/black src/ (statements
                   about code, PEP 257's imperative mood: "Return the ...");
    - commit:<repo> commit subjects of the same two repositories, merges left out (every 40th);
    - list:<repo>  blocks of five list items of rust-unofficial/awesome-rust, akullpp/awesome-java,
                   Developer-Y/cs-video-courses (course titles), papers-we-love/papers-we-love (paper titles) and
                   charlax/professional-programming (books, articles, advice); one item alone (item:<repo>).
  code (label true), plain-word requests:
    - so-sql       Stack Overflow question titles of StaQC's SQL "how to" questions
                   (LittleYUYU/StackOverflow-Question-Code-Dataset, sql_how_to_do_it_by_classifier_multiple_qid_to_title,
                   every 150th by question id);
    - nl2bash      TellinaTool/nl2bash data/bash/all.nl descriptions of shell commands (every 60th).

usage: build.py <mirror dir> <out.jsonl> [offset]; prints the commits used. With an offset k (default 0) every stride
starts k items later: the rules were written on offset 0 and checked on offset 1, whose records they had not seen.
"""
import ast
import pickle
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from linguist_samples import git, write_records  # noqa: E402
from public_text import files, head, markdown_paragraphs, prose_paragraph, read, resolve  # noqa: E402

BOOKS = [("marijnh/Eloquent-JavaScript", "", [".md"]), ("rust-lang/nomicon", "src", [".md"]),
         ("donnemartin/system-design-primer", "", ["README.md"]), ("pallets/flask", "docs", [".rst"])]
LISTS = [("rust-unofficial/awesome-rust", "README.md"), ("akullpp/awesome-java", "README.md"),
         ("Developer-Y/cs-video-courses", "README.md"), ("papers-we-love/papers-we-love", None),
         ("charlax/professional-programming", "README.md")]


def code_paragraph(para):
    """A paragraph with inline code spans but otherwise prose (no markup openers, no indented lines), 150-1,200 chars."""
    text = " ".join(l.strip() for l in para)
    if any(l.startswith((" ", "\t")) for l in para) or re.match(r"^(#|<|\||!|\[|>|-|\*|\+|=|\.\.|\d+\.)", text):
        return None
    if "`" not in text or re.search(r":[a-z]+:", text):
        return None
    return text if 150 <= len(text) <= 1200 else None


def changelog_entries(text):
    """Top-level '- ' entries of a changelog, continuation lines joined as written (newlines kept)."""
    entries, current = [], None
    for line in text.splitlines():
        if re.match(r"^-\s+", line):
            if current:
                entries.append(current)
            current = [line.rstrip()]
        elif current is not None and line.startswith("  ") and line.strip():
            current.append(line.rstrip())
        else:
            if current:
                entries.append(current)
            current = None
    if current:
        entries.append(current)
    return ["\n".join(e) for e in entries if "<!--" not in e[0]]


def docstring_first_lines(repo, under):
    out = []
    for path in files(repo, [".py"], under=under):
        try:
            tree = ast.parse(read(repo, path) or "")
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                doc = ast.get_docstring(node)
                if doc:
                    first = doc.strip().splitlines()[0].strip()
                    if len(first) >= 20:
                        out.append(first)
    return out


def list_items(text):
    return [l.rstrip() for l in text.splitlines() if re.match(r"^\s*[*-] \S", l)]


def main():
    mirror, out = sys.argv[1], sys.argv[2]
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    records, used = [], []

    def repo_of(name):
        repo = resolve(mirror, name)
        used.append((name, head(repo)))
        return repo

    for name, under, suffixes in BOOKS:
        repo = repo_of(name)
        short = name.split("/")[1]
        paras = [p for path in files(repo, suffixes, under=under) for p in markdown_paragraphs(read(repo, path) or "")]
        clean = [p for p in (prose_paragraph(x) for x in paras) if p and not re.search(r"\.\. |:\w+:", p)]
        coded = [p for p in (code_paragraph(x) for x in paras) if p]
        for i, p in enumerate(clean):
            if (i - k) % 3 == 0:
                records.append({"id": f"pd-{short}-{i}", "code": False, "category": f"pd:{short}", "text": p})
        for i, p in enumerate(coded):
            if (i - k) % 3 == 0:
                records.append({"id": f"pdc-{short}-{i}", "code": False, "category": f"pdc:{short}", "text": p})

    for name, path in (("pallets/flask", "CHANGES.rst"), ("psf/black", "CHANGES.md")):
        repo = repo_of(name)
        short = name.split("/")[1]
        entries = changelog_entries(read(repo, path) or "")
        for i, e in enumerate(entries):
            if (i - k) % 4 == 0:
                records.append({"id": f"cl1-{short}-{i}", "code": False, "category": f"cl1:{short}", "text": e})
            if (i - k) % 25 == 0 and i + 5 <= len(entries):
                records.append({"id": f"cl5-{short}-{i}", "code": False, "category": f"cl5:{short}", "text": "\n".join(entries[i:i + 5])})
        for i, d in enumerate(docstring_first_lines(repo, "src")):
            if (i - k) % 2 == 0:
                records.append({"id": f"doc1-{short}-{i}", "code": False, "category": f"doc1:{short}", "text": d})
        subjects = [s for s in git(repo, "log", "--format=%s").decode("utf-8", "replace").splitlines()
                    if s.strip() and not s.startswith(("Merge ", "Revert ", "Bump "))]
        for i, s in enumerate(subjects):
            if (i - k) % 40 == 0:
                records.append({"id": f"commit-{short}-{i}", "code": False, "category": f"commit:{short}", "text": s})

    for name, path in LISTS:
        repo = repo_of(name)
        short = name.split("/")[1]
        paths = [path] if path else files(repo, ["README.md"])
        items = [i for p in paths for i in list_items(read(repo, p) or "")]
        for j in range(k * 4, len(items) - 4, 8):
            records.append({"id": f"list-{short}-{j}", "code": False, "category": f"list:{short}", "text": "\n".join(items[j:j + 5])})
        for j in range(3 + k * 10, len(items), 20):
            records.append({"id": f"item-{short}-{j}", "code": False, "category": f"item:{short}", "text": items[j].strip().lstrip("*- ").strip()})

    repo = repo_of("LittleYUYU/StackOverflow-Question-Code-Dataset")
    titles = pickle.loads(git(repo, "show", "HEAD:annotation_tool/data/code_solution_labeled_data/source/"
                                            "sql_how_to_do_it_by_classifier_multiple_qid_to_title.pickle"), encoding="latin1")
    for n, qid in enumerate(sorted(titles)):
        if (n - k) % 150 == 0:
            records.append({"id": f"so-sql-{qid}", "code": True, "category": "req:so-sql", "text": titles[qid].strip()})
    repo = repo_of("TellinaTool/nl2bash")
    for n, line in enumerate((read(repo, "data/bash/all.nl") or "").splitlines()):
        if (n - k) % 60 == 0 and line.strip():
            records.append({"id": f"nl2bash-{n}", "code": True, "category": "req:nl2bash", "text": line.strip()})

    for name, commit in used:
        print(f"{name} {commit}")
    write_records(out, records)


if __name__ == "__main__":
    main()

"""What the development set and held-out set E share: picking source files from a snapshot of a public repository,
cutting windows of non-blank lines out of them, taking code blocks out of Markdown, and reading the public natural
language sources (Universal Dependencies sentences, hh-rlhf first turns, CLINC150 utterances, Wikipedia sentences,
GSM8K questions). Every choice is a fixed function of the snapshot (sorted names, fixed strides), so a rebuild from the
same commits gives the same set."""
import gzip
import json
import re
import subprocess

from linguist_samples import MAX_CHARS, git


def head(repo):
    return git(repo, "rev-parse", "HEAD").decode().strip()


def files(repo, suffixes, under="", exclude=()):
    """Files of HEAD whose name ends with one of suffixes, under a folder, in name order."""
    out = git(repo, "ls-tree", "-r", "--name-only", "HEAD", *( [under] if under else [])).decode().split("\n")
    return sorted(p for p in out if p.endswith(tuple(suffixes)) and not any(x in p for x in exclude))


def read(repo, path):
    try:
        return git(repo, "show", f"HEAD:{path}").decode("utf-8")
    except (subprocess.CalledProcessError, UnicodeDecodeError):
        return None


def window(text, lines, at):
    """`lines` consecutive non-blank lines starting at fraction `at` of the file's non-blank lines, or None."""
    body = [l.rstrip() for l in text.splitlines() if l.strip()]
    if len(body) < lines:
        return None
    start = int((len(body) - lines) * at)
    s = "\n".join(body[start:start + lines])
    return s if len(s) <= MAX_CHARS else None


def stride(items, count):
    """`count` items spread evenly over a list (every k-th), in order."""
    if len(items) <= count:
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def fenced_blocks(markdown, tags):
    """The bodies of ``` blocks whose info string is one of tags."""
    blocks, inside, body = [], False, []
    for line in markdown.splitlines():
        if line.startswith("```"):
            if inside:
                blocks.append("\n".join(l for l in body if l.strip()))
                inside = False
            elif line[3:].strip().split(" ")[0] in tags:
                inside, body = True, []
        elif inside:
            body.append(line.rstrip())
    return [b for b in blocks if b.count("\n") >= 2 and len(b) <= MAX_CHARS]


def ud_sentences(repo):
    """`# text = ...` sentences of every .conllu file of a Universal Dependencies treebank, in file order."""
    out = []
    for path in files(repo, [".conllu"], exclude=("not-to-release",)):
        for line in (read(repo, path) or "").splitlines():
            if line.startswith("# text = "):
                out.append(line[9:].strip())
    return out


def hh_first_turns(repo, path):
    out = []
    for line in gzip.decompress(git(repo, "show", f"HEAD:{path}")).decode().splitlines():
        chosen = json.loads(line)["chosen"]
        out.append(chosen.split("\n\nHuman: ", 1)[-1].split("\n\nAssistant:", 1)[0].strip())
    return out


def clinc(repo, split):
    return json.loads(git(repo, "show", "HEAD:data/data_full.json"))[split]


def wiki_sentences(repo):
    return [l.strip() for l in git(repo, "show", "HEAD:data/all_wiki_sents.txt").decode().splitlines() if l.strip()]


def gsm8k(repo, split):
    return [json.loads(l)["question"] for l in git(repo, "show", f"HEAD:grade_school_math/data/{split}.jsonl").decode().splitlines()]


def resolve(mirror, repo):
    """A snapshot of owner/name under a mirror folder: `<mirror>/<owner>+<name>/repo` (bare) or `<mirror>/<owner>+<name>`."""
    import os
    base = os.path.join(mirror, repo.replace("/", "+"))
    if os.path.isdir(os.path.join(base, "repo", ".git")):  # a snapshot fetched as a checkout
        return os.path.join(base, "repo", ".git")
    return os.path.join(base, "repo") if os.path.isdir(os.path.join(base, "repo")) else base


def code_records(mirror, sources, per_language, shapes, positions, prefix):
    """Windows of source files: (language, repo, suffixes, exclude) each gives per_language files spread over the repo;
    file i is cut at positions[i % len(positions)] = (lines, fraction) and sent in shape i (cycling)."""
    records, shape, used = [], 0, []
    for lang, repo_name, suffixes, exclude in sources:
        repo = resolve(mirror, repo_name)
        used.append((repo_name, head(repo)))
        taken = 0
        for i, path in enumerate(stride(files(repo, suffixes, exclude=exclude), per_language * 3)):
            if taken == per_language:
                break
            raw = read(repo, path)
            if raw is None:
                continue
            if suffixes == [".md"] or suffixes == [".mdx"] or suffixes == [".md", ".mdx"]:
                blocks = fenced_blocks(raw, ("graphql", "graphqls", "gql"))
                snippets = blocks[:2]
            else:
                lines, at = positions[taken % len(positions)]
                s = window(raw, lines, at)
                snippets = [s] if s else []
            for s in snippets:
                if taken == per_language:
                    break
                records.append({"id": f"{prefix}-{lang}-{taken}", "code": True, "category": f"code:{lang}",
                                "source": f"{repo_name}:{path}", "text": shapes[shape % len(shapes)].format(s=s)})
                shape += 1
                taken += 1
    return records, used


def markdown_paragraphs(text, fence=("```", "~~~")):
    """Paragraphs (lists of lines) of a Markdown file outside ``` blocks (or the blocks `fence` opens and closes,
    e.g. AsciiDoc's ----, ==== and .... delimiters)."""
    out, para, fenced = [], [], False
    for line in text.splitlines():
        if line.lstrip().startswith(fence):
            fenced, para = not fenced, []
            continue
        if fenced:
            continue
        if line.strip():
            para.append(line)
        elif para:
            out.append(para)
            para = []
    if para and not fenced:
        out.append(para)
    return out


def prose_paragraph(para):
    """A paragraph of prose only, joined into one line, or None: no inline code, markup, headings, lists, tables or
    indented lines, 150-1,200 characters. (Set G's builder keeps its own frozen copy of this rule.)"""
    text = " ".join(l.strip() for l in para)
    if any(l.startswith((" ", "\t")) for l in para) or re.match(r"^(#|<|\||!|\[|>|-|\*|\+|=|\.\.|\d+\.)", text):
        return None
    if any(c in text for c in "`{}<>") or "::" in text or re.search(r":[a-z]+:", text):
        return None
    return text if 150 <= len(text) <= 1200 else None

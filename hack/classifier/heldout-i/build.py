#!/usr/bin/env python3
"""Builds held-out set I for code detection from public repositories, outside this repository (issue 18, fourth pass).

Set G checked 48 less common languages; set I is meant to look like what users really paste to a coding assistant, so
that the 97 % recall / 3 % false-positive targets are tested on realistic traffic. It was frozen (this script and its
manifest committed) before the detector ever ran on its output, and is measured once, by the integrator, with the
rules as they are then; rules written afterwards are written on development data, never on I's texts.

No repository here is used by the development set, by sets C-H, by the learned stage's training data or by any
repository listed in /work/wt/dev-sources.txt when it was chosen (each was registered in /work/wt/heldout-sources.txt
before the build). Every choice is a fixed function of the snapshot (names in sorted order, fixed strides, fixed
positions), so the same commits give the same file byte for byte. The rules are this file's own copies (not
public_text's), so a later change there cannot change set I.

  code (label true), in five shapes of its own (CODE_SHAPES) taken in turn; one record in five is fenced (```, no
  info string) and the test reports the unfenced recall apart:
    - common:<language>: windows of consecutive non-blank lines (6 to 20 lines at 30, 40, 50, 70 or 85 % of the file,
      halved until they fit in 1,500 characters) of up to PER_COMMON files spread over one repository per language:
      Python, JavaScript, TypeScript, Java, C#, Go, Rust, C, C++, PHP, Ruby, Kotlin, Swift, SQL, shell, PowerShell,
      HTML, CSS, YAML, JSON config, Dockerfile, Makefile, Terraform (COMMON below);
    - other:<language>: the same from three more languages (Elixir, Lua, R), PER_OTHER files each;
    - trace:pytest: `.. code-block:: pytest` blocks of pytest's documentation (a shell prompt, the test session's
      output, tracebacks with file paths and code context): even blocks from their start, odd ones their last
      1,500 characters;
    - trace:rustc: rustc's diagnostics in dtolnay/thiserror `tests/ui/*.stderr` (error codes, file:line:col, code
      context with carets), whole files up to 1,500 characters;
    - log:<system>: 6 consecutive lines of the loghub 2k samples of Hadoop, Spark, Zookeeper, OpenStack, HDFS and
      Android (logs of Java/Python services: class names, exceptions, paths) at fixed positions;
    - diff:<repo>: `git show` of a non-merge commit (unified diff with headers, no commit message), every k-th commit
      of the history of five of the repositories above whose diff is 200-1,500 characters;
    - shell:<source>: shell sessions with prompts and output: progit2 `[source,console]` blocks with output lines,
      httpie's docs ```bash/```console blocks of three lines or more;
  and plain-words coding requests (label true: asking for code, no code in them):
    - request:conala: CoNaLa intents (Yin et al. 2018, mined from Stack Overflow Python questions; the annotated
      train split), every k-th, in five request shapes of their own (REQUEST_SHAPES), one in five inside a fence;
    - request:odex-<es|ja|ru>: ODEX intents in Spanish, Japanese and Russian (Stack Overflow questions in those
      languages), PER_ODEX each, bare.
  no code (label false), hard negatives:
    - ud:<language>: Universal Dependencies sentences (dev and test files) in Finnish, Japanese, Russian, Turkish and
      Indonesian;
    - prose:rust-blog: paragraphs of blog.rust-lang.org posts (release notes, announcements, surveys in prose) without
      inline code, markup, lists or tables;
    - prose:progit: paragraphs of the Pro Git book (AsciiDoc) without inline code, index terms or cross references;
    - news:bbc-tech: BBC News technology articles (the BBC dataset, Greene and Cunningham 2006), up to 1,500
      characters at a paragraph end;
    - list:awesome-go: five consecutive list items (library links and descriptions) of awesome-go;
    - list:twir: five consecutive link items of This Week in Rust issues (titles of posts and talks) with no inline
      code;
    - recipe:based-cooking: a based.cooking recipe's ingredients and directions (quantities, units, numbered steps),
      front matter and images left out;
    - legal:site-policy: paragraphs of GitHub's site policies (terms, privacy, acceptable use);
    - medical:pubmedqa: PubMedQA abstracts (the labelled PQA-L set's contexts, joined), up to 1,500 characters;
    - chat:nlu-eval: assistant utterances of the NLU Evaluation Data (Liu et al. 2019; 64 intents: alarms, weather,
      music, recommendations, questions);
    - chat:banking77: banking77 customer questions (test split);
    - question:expertqa: ExpertQA questions (Malaviya et al. 2024; experts' questions in 32 fields), the half whose
      SHA-256 of the id is even (set J takes the other half);
    - math:tabmwp: TabMWP problems (Lu et al. 2023; a table in pipes and a question), test1k file.

usage: build.py <mirror dir> <out.jsonl>   (repositories as `<mirror>/<owner>+<name>[/repo]`, bare or checked out)
"""
import hashlib
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from linguist_samples import git, write_records  # noqa: E402
from public_text import files, head, markdown_paragraphs, read, resolve, stride  # noqa: E402

MAX_CHARS = 1500

# (category, repository, file name endings, path parts to leave out)
COMMON = [
    ("Python", "psf/requests", [".py"], ()),
    ("JavaScript", "jquery/jquery", [".js"], ("dist/", "external/", ".min.js")),
    ("TypeScript", "colinhacks/zod", [".ts"], ("node_modules/",)),
    ("Java", "apache/commons-lang", [".java"], ()),
    ("CSharp", "JamesNK/Newtonsoft.Json", [".cs"], ()),
    ("Go", "sirupsen/logrus", [".go"], ()),
    ("Rust", "tokio-rs/axum", [".rs"], ()),
    ("C", "libuv/libuv", [".c"], ()),
    ("Cpp", "fmtlib/fmt", [".cc", ".h"], ()),
    ("PHP", "Seldaek/monolog", [".php"], ()),
    ("Ruby", "rack/rack", [".rb"], ()),
    ("Kotlin", "InsertKoinIO/koin", [".kt"], ()),
    ("Swift", "onevcat/Kingfisher", [".swift"], ()),
    ("SQL", "sqlfluff/sqlfluff", [".sql"], ()),
    ("Shell", "acmesh-official/acme.sh", [".sh"], ()),
    ("PowerShell", "lazywinadmin/PowerShell", [".ps1"], ()),
    ("HTML", "mdn/learning-area", [".html"], ()),
    ("CSS", "mdn/learning-area", [".css"], ()),
    ("YAML", "kubernetes/examples", [".yaml", ".yml"], ()),
    ("JSON", "microsoft/vscode-extension-samples",
     ["/package.json", "/tsconfig.json", "/launch.json", "/tasks.json", "/settings.json"], ("node_modules/",)),
    ("Dockerfile", "jessfraz/dockerfiles", ["Dockerfile"], ()),
    ("Makefile", "cloudposse/build-harness", ["Makefile"], ()),
    ("Terraform", "gruntwork-io/terratest", [".tf"], ()),
]
OTHER = [
    ("Elixir", "phoenixframework/phoenix", [".ex"], ()),
    ("Lua", "neovim/nvim-lspconfig", [".lua"], ()),
    ("R", "tidyverse/dplyr", [".R"], ()),
]
# SQL windows only from sqlfluff's dialect fixtures (real statements); the rest of that repository is Python.
UNDER = {"SQL": "test/fixtures/dialects"}
PER_COMMON = 20
PER_OTHER = 10
POSITIONS = [(8, 0.3), (12, 0.5), (20, 0.7), (6, 0.4), (15, 0.85)]
DIFF_REPOS = ["psf/requests", "rack/rack", "sirupsen/logrus", "Seldaek/monolog", "fmtlib/fmt"]
PER_DIFF_REPO = 8
LOG_SYSTEMS = ["Hadoop", "Spark", "Zookeeper", "OpenStack", "HDFS", "Android"]
PER_LOG = 6
PER_ODEX = 20

CODE_SHAPES = [
    "{s}",
    "Why does this fail? I can't see it.\n\n{s}",
    "{s}\n\nCan you explain what this does, step by step?",
    "hey, picking this up from a colleague who left\n{s}\nis there anything obviously wrong here?",
    "Please review this:\n```\n{s}\n```\nThanks in advance.",
]
REQUEST_SHAPES = [
    "{S}",
    "How do I {s} in Python?",
    "{S}. What's the cleanest way to do it?",
    "quick question, I need to {s} (python 3) - can you show me how?",
    "Task for you:\n```\n{S}\n```",
]

SOURCES = """
psf/requests
jquery/jquery
colinhacks/zod
apache/commons-lang
JamesNK/Newtonsoft.Json
sirupsen/logrus
tokio-rs/axum
libuv/libuv
fmtlib/fmt
Seldaek/monolog
rack/rack
InsertKoinIO/koin
onevcat/Kingfisher
sqlfluff/sqlfluff
acmesh-official/acme.sh
lazywinadmin/PowerShell
mdn/learning-area
kubernetes/examples
microsoft/vscode-extension-samples
jessfraz/dockerfiles
cloudposse/build-harness
gruntwork-io/terratest
phoenixframework/phoenix
neovim/nvim-lspconfig
tidyverse/dplyr
pytest-dev/pytest
dtolnay/thiserror
logpai/loghub
progit/progit2
httpie/cli
yuxiang2/CoNaLa
zorazrw/odex
UniversalDependencies/UD_Finnish-TDT
UniversalDependencies/UD_Japanese-GSD
UniversalDependencies/UD_Russian-GSD
UniversalDependencies/UD_Turkish-IMST
UniversalDependencies/UD_Indonesian-GSD
rust-lang/blog.rust-lang.org
suraj-deshmukh/BBC-Dataset-News-Classification
avelino/awesome-go
rust-lang/this-week-in-rust
LukeSmithxyz/based.cooking
github/site-policy
pubmedqa/pubmedqa
xliuhw/NLU-Evaluation-Data
PolyAI-LDN/task-specific-datasets
chaitanyamalaviya/ExpertQA
lupantech/PromptPG
"""


COMMENT = re.compile(r"^\s*(//|/\*|\*|--|<!--|\"\"\"|'''|#(?!include|define|if|endif|else|elif|undef|pragma|error|region|endregion|\[|!\[|!/))")


def mostly_comment(lines):
    return sum(bool(COMMENT.match(l)) for l in lines) * 2 > len(lines)


def window(text, lines, at):
    """`lines` consecutive non-blank lines from fraction `at` of the file's non-blank lines, halved until it fits in
    MAX_CHARS; a window of more comment lines than other lines (licence headers, doc comments) moves on to the next
    start that is not, wrapping round once. None when no window of 3 lines or more fits."""
    body = [l.rstrip() for l in text.splitlines() if l.strip()]
    while lines >= 3:
        if len(body) >= lines:
            first = int((len(body) - lines) * at)
            starts = list(range(first, len(body) - lines + 1)) + list(range(0, first))
            for start in starts:
                w = body[start:start + lines]
                s = "\n".join(w)
                if len(s) <= MAX_CHARS and not mostly_comment(w):
                    return s
        lines //= 2
    return None


def tail_cut(text, from_end):
    """At most MAX_CHARS of text on whole lines: its start, or (from_end) its end."""
    lines = text.split("\n")
    out, size = [], 0
    for line in (reversed(lines) if from_end else lines):
        if size + len(line) + 1 > MAX_CHARS:
            break
        out.append(line)
        size += len(line) + 1
    if from_end:
        out.reverse()
    return "\n".join(out).strip("\n")


def shaped(shapes, n, s):
    shape = shapes[n % len(shapes)]
    if "python" in s.lower():  # the request names its language already
        shape = shape.replace(" in Python?", "?").replace(" (python 3)", "")
    return shape.format(s=s, S=s[:1].upper() + s[1:])


class Builder:
    def __init__(self, mirror):
        self.mirror = mirror
        self.records = []
        self.used = {}
        self.code_shape = 0
        self.request_shape = 0

    def repo(self, name):
        path = resolve(self.mirror, name)
        self.used.setdefault(name, head(path))
        return path

    def code(self, category, source, s):
        self.records.append({"id": f"i-{category}-{sum(r['category'] == category for r in self.records)}", "code": True,
                             "category": category, "source": source,
                             "text": shaped(CODE_SHAPES, self.code_shape, s)})
        self.code_shape += 1

    def request(self, category, source, s):
        self.records.append({"id": f"i-{category}-{sum(r['category'] == category for r in self.records)}", "code": True,
                             "category": category, "source": source,
                             "text": shaped(REQUEST_SHAPES, self.request_shape, s)})
        self.request_shape += 1

    def prose(self, category, source, s):
        self.records.append({"id": f"i-{category}-{sum(r['category'] == category for r in self.records)}", "code": False,
                             "category": category, "source": source, "text": s})

    # ---- code ---------------------------------------------------------------------------------------------------
    def windows(self, group, table, per):
        for lang, name, suffixes, exclude in table:
            repo = self.repo(name)
            taken = 0
            for path in stride(files(repo, suffixes, under=UNDER.get(lang, ""), exclude=exclude), per * 3):
                if taken == per:
                    break
                raw = read(repo, path)
                if raw is None:
                    continue
                lines, at = POSITIONS[taken % len(POSITIONS)]
                s = window(raw, lines, at)
                if not s:
                    continue
                self.code(f"{group}:{lang}", f"{name}:{path}", s)
                taken += 1

    def pytest_sessions(self, count=40):
        repo = self.repo("pytest-dev/pytest")
        blocks = []
        for path in files(repo, [".rst"], under="doc/en"):
            lines = (read(repo, path) or "").splitlines()
            i = 0
            while i < len(lines):
                m = re.match(r"^(\s*)\.\. code-block:: pytest\s*$", lines[i])
                if not m:
                    i += 1
                    continue
                indent = len(m.group(1))
                body, i = [], i + 1
                while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                    body.append(lines[i])
                    i += 1
                inner = [l for l in body if l.strip()]
                if len(inner) < 4:
                    continue
                cut = min(len(l) - len(l.lstrip()) for l in inner)
                blocks.append((path, "\n".join(l[cut:].rstrip() for l in body).strip("\n")))
        for n, (path, block) in enumerate(stride(blocks, count)):
            self.code("trace:pytest", f"pytest-dev/pytest:{path}", tail_cut(block, from_end=n % 2 == 1))

    def rustc_diagnostics(self):
        repo = self.repo("dtolnay/thiserror")
        for path in files(repo, [".stderr"], under="tests/ui"):
            raw = (read(repo, path) or "").strip("\n")
            if 0 < len(raw) <= MAX_CHARS:
                self.code("trace:rustc", f"dtolnay/thiserror:{path}", raw)

    def logs(self):
        """Six lines from a line that reports an exception or error, spread over each system's sample."""
        repo = self.repo("logpai/loghub")
        for system in LOG_SYSTEMS:
            lines = [l.rstrip() for l in (read(repo, f"{system}/{system}_2k.log") or "").splitlines() if l.strip()]
            starts = [i for i, l in enumerate(lines[:-6]) if re.search(r"Exception|Error", l)]
            taken, last = 0, -6
            for i in stride(starts, PER_LOG * 2):
                if taken == PER_LOG:
                    break
                if i < last + 6:
                    continue
                self.code(f"log:{system}", f"logpai/loghub:{system}/{system}_2k.log", tail_cut("\n".join(lines[i:i + 6]), from_end=False))
                taken, last = taken + 1, i

    def diffs(self):
        for name in DIFF_REPOS:
            repo = self.repo(name)
            commits = git(repo, "rev-list", "--no-merges", "HEAD").decode().split()
            step = max(1, len(commits) // (PER_DIFF_REPO * 6))
            taken = 0
            for c in commits[::step]:
                if taken == PER_DIFF_REPO:
                    break
                d = git(repo, "-c", "core.quotepath=true", "show", "--no-color", "--no-ext-diff", "--no-renames",
                        "--format=", "--diff-algorithm=myers", "-U3", c).decode("utf-8", "replace").strip("\n")
                paths = re.findall(r"^diff --git a/(\S+)", d, flags=re.M)
                if not any(not p.lower().endswith((".md", ".rst", ".txt")) and "CHANGELOG" not in p and "LICENSE" not in p
                           for p in paths):
                    continue  # documentation only: not what is pasted as a code diff
                if 200 <= len(d) <= MAX_CHARS and d.startswith("diff --git") and "Binary files" not in d:
                    self.code(f"diff:{name.split('/')[1]}", f"{name}@{c}", d)
                    taken += 1

    def shell_sessions(self):
        repo = self.repo("progit/progit2")
        blocks = []
        for path in files(repo, [".asc"], under="book"):
            lines = (read(repo, path) or "").splitlines()
            for i in range(len(lines) - 2):
                if lines[i].strip() == "[source,console]" and lines[i + 1].strip() == "----":
                    body = []
                    for l in lines[i + 2:]:
                        if l.strip() == "----":
                            break
                        body.append(l.rstrip())
                    prompts = sum(l.startswith("$ ") for l in body)
                    if prompts >= 1 and len(body) - prompts >= 2 and len("\n".join(body)) <= MAX_CHARS:
                        blocks.append((path, "\n".join(body).strip("\n")))
        for path, b in stride(blocks, 30):
            self.code("shell:progit", f"progit/progit2:{path}", b)

        repo = self.repo("httpie/cli")
        blocks = []
        for path in files(repo, [".md"], under="docs"):
            inside, body = False, []
            for l in (read(repo, path) or "").splitlines():
                if l.startswith("```"):
                    if inside:
                        if sum(1 for x in body if x.strip()) >= 3 and any(x.startswith("$ ") for x in body):
                            blocks.append((path, "\n".join(body).strip("\n")))
                        inside = False
                    elif l[3:].strip() in ("bash", "console", "sh"):
                        inside, body = True, []
                elif inside:
                    body.append(l.rstrip())
        for path, b in stride([x for x in blocks if len(x[1]) <= MAX_CHARS], 20):
            self.code("shell:httpie", f"httpie/cli:{path}", b)

    def requests(self, count=120):
        repo = self.repo("yuxiang2/CoNaLa")
        items = json.loads(git(repo, "show", "HEAD:corpus/train.json"))
        intents = []
        for item in items:
            s = re.sub(r"\s+", " ", (item.get("intent") or "").strip()).rstrip(" ?.")
            # Intents copied from a question title ("How to ...", "How do I ...") lose that opening, so that every
            # request shape reads as one sentence.
            s = re.sub(r"^(how (do|can|would|should) (i|you|we|one)|how to|is there a way to|what is the best way to)\s+", "",
                       s, flags=re.I)
            if len(s) > 1 and s[0].isupper() and s[1].islower():
                s = s[0].lower() + s[1:]
            if 15 <= len(s) <= 300 and s not in intents:
                intents.append(s)
        for s in stride(intents, count):
            self.request("request:conala", "yuxiang2/CoNaLa:corpus/train.json", s)

        # Requests written in Spanish, Japanese and Russian (ODEX, Wang et al. 2023: Stack Overflow questions in those
        # languages, annotated as intents), sent as they are: a user writing in another language writes the whole
        # message in it.
        repo = self.repo("zorazrw/odex")
        for lang in ("es", "ja", "ru"):
            intents = []
            for line in (read(repo, f"data/{lang}_test.jsonl") or "").splitlines():
                s = json.loads(line)["intent"].strip() if line.strip() else ""
                if len(s) >= 10 and s not in intents:
                    intents.append(s)
            for s in stride(intents, PER_ODEX):
                self.records.append({"id": f"i-request:odex-{lang}-{sum(r['category'] == f'request:odex-{lang}' for r in self.records)}",
                                     "code": True, "category": f"request:odex-{lang}", "source": f"zorazrw/odex:data/{lang}_test.jsonl",
                                     "text": s})

    # ---- no code ------------------------------------------------------------------------------------------------
    def ud(self, per=60):
        for lang, name in (("Finnish", "UD_Finnish-TDT"), ("Japanese", "UD_Japanese-GSD"), ("Russian", "UD_Russian-GSD"),
                           ("Turkish", "UD_Turkish-IMST"), ("Indonesian", "UD_Indonesian-GSD")):
            repo = self.repo(f"UniversalDependencies/{name}")
            sentences = []
            for path in files(repo, ["-dev.conllu", "-test.conllu"], exclude=("not-to-release",)):
                sentences += [l[9:].strip() for l in (read(repo, path) or "").splitlines() if l.startswith("# text = ")]
            for s in stride([s for s in sentences if len(s) >= 20], per):
                self.prose(f"ud:{lang}", f"UniversalDependencies/{name}", s)

    paragraphs = staticmethod(markdown_paragraphs)

    @staticmethod
    def plain(para, low=150, high=1200):
        """A paragraph of prose only, joined into one line: no indentation, markup, lists, tables, inline code."""
        text = " ".join(l.strip() for l in para)
        if any(l.startswith((" ", "\t")) for l in para) or re.match(r"^(#|<|\||!|\[|>|-|\*|\+|=|\.|:|\d+\.|image::|include::)", text):
            return None
        if any(c in text for c in "`{}<>|$\\") or "::" in text or "(((" in text or "[[" in text or "](" in text:
            return None
        return text if low <= len(text) <= high else None

    def prose_docs(self, per=150):
        repo = self.repo("rust-lang/blog.rust-lang.org")
        paras = []
        for path in files(repo, [".md"], under="content"):
            raw = read(repo, path) or ""
            raw = re.sub(r"\A\+\+\+.*?\+\+\+\n", "", raw, flags=re.S)
            raw = re.sub(r"\A---\n.*?\n---\n", "", raw, flags=re.S)
            paras += [(path, p) for p in (self.plain(x) for x in self.paragraphs(raw)) if p]
        for path, p in stride(paras, per):
            self.prose("prose:rust-blog", f"rust-lang/blog.rust-lang.org:{path}", p)

        repo = self.repo("progit/progit2")
        paras = []
        for path in files(repo, [".asc"], under="book"):
            paras += [(path, p) for p in (self.plain(x) for x in self.paragraphs(read(repo, path) or "", fence=("----", "====", "...."))) if p]
        for path, p in stride(paras, per):
            self.prose("prose:progit", f"progit/progit2:{path}", p)

    def news(self, per=100):
        repo = self.repo("suraj-deshmukh/BBC-Dataset-News-Classification")
        for path in stride(files(repo, [".txt"], under="dataset/data_files/tech"), per):
            raw = read(repo, path)
            if raw is None:
                continue
            text = "\n\n".join(p.strip() for p in raw.split("\n\n") if p.strip())
            out = ""
            for p in text.split("\n\n"):
                if len(out) + len(p) + 2 > MAX_CHARS:
                    break
                out = f"{out}\n\n{p}" if out else p
            if out:
                self.prose("news:bbc-tech", f"suraj-deshmukh/BBC-Dataset-News-Classification:{path}", out)

    def lists(self, per=100):
        repo = self.repo("avelino/awesome-go")
        items = [l.rstrip() for l in (read(repo, "README.md") or "").splitlines() if re.match(r"^- \[[^\]]+\]\(https?://", l)]
        blocks = ["\n".join(items[j:j + 5]) for j in range(0, len(items) - 4, 5)]
        for b in stride([b for b in blocks if "`" not in b and len(b) <= MAX_CHARS], per):
            self.prose("list:awesome-go", "avelino/awesome-go:README.md", b)

        repo = self.repo("rust-lang/this-week-in-rust")
        blocks = []
        for path in files(repo, [".md", ".markdown"], under="content"):
            items = [l.rstrip() for l in (read(repo, path) or "").splitlines() if re.match(r"^[*-] \[[^\]]+\]\(https?://", l)]
            items = [l for l in items if "`" not in l]
            blocks += [(path, "\n".join(items[j:j + 5])) for j in range(0, len(items) - 4, 5)]
        for path, b in stride([x for x in blocks if len(x[1]) <= MAX_CHARS], per):
            self.prose("list:twir", f"rust-lang/this-week-in-rust:{path}", b)

    def recipes(self, per=100):
        repo = self.repo("LukeSmithxyz/based.cooking")
        texts = []
        for path in files(repo, [".md"], under="content", exclude=("_index.md",)):
            raw = re.sub(r"\A---\n.*?\n---\n", "", read(repo, path) or "", flags=re.S)
            m = re.search(r"^## Ingredients.*", raw, flags=re.S | re.M)
            if not m:
                continue
            body = "\n".join(l.rstrip() for l in m.group(0).splitlines()
                             if not l.startswith(("![", "## Contribution", "- [", "Contribution")) and "](" not in l)
            body = re.split(r"^## Contribution", body, flags=re.M)[0].strip()
            body = re.sub(r"\n{3,}", "\n\n", body)
            texts.append((path, tail_cut(body, from_end=False)))
        for path, t in stride([x for x in texts if len(x[1]) >= 150], per):
            self.prose("recipe:based-cooking", f"LukeSmithxyz/based.cooking:{path}", t)

    def legal(self, per=100):
        repo = self.repo("github/site-policy")
        paras = []
        for path in files(repo, [".md"], under="Policies"):
            raw = re.sub(r"\A---\n.*?\n---\n", "", read(repo, path) or "", flags=re.S)
            paras += [(path, p) for p in (self.plain(x) for x in self.paragraphs(raw)) if p]
        for path, p in stride(paras, per):
            self.prose("legal:site-policy", f"github/site-policy:{path}", p)

    def medical(self, per=100):
        repo = self.repo("pubmedqa/pubmedqa")
        data = json.loads(git(repo, "show", "HEAD:data/ori_pqal.json"))
        texts = []
        for pmid in sorted(data):
            t = tail_cut("\n".join(c.strip() for c in data[pmid]["CONTEXTS"]).replace("\n", " \n"), from_end=False)
            texts.append((pmid, " ".join(t.split(" \n"))))
        for pmid, t in stride([x for x in texts if len(x[1]) >= 300], per):
            self.prose("medical:pubmedqa", f"pubmedqa/pubmedqa:data/ori_pqal.json#{pmid}", t)

    def chat(self, per=100):
        repo = self.repo("xliuhw/NLU-Evaluation-Data")
        utterances = []
        for path in files(repo, [".json"], under="CrossValidation"):
            if "/KFold_1/testset/annotated/" not in path:
                continue
            for item in json.loads(read(repo, path) or "{}").get("test_data_annotation", []):
                utterances.append((path, item["text"].strip()))
        for path, u in stride([x for x in utterances if len(x[1]) >= 25], per):
            self.prose("chat:nlu-eval", f"xliuhw/NLU-Evaluation-Data:{path}", u)

        import csv
        import io
        repo = self.repo("PolyAI-LDN/task-specific-datasets")
        rows = list(csv.DictReader(io.StringIO(read(repo, "banking_data/test.csv") or "")))
        for row in stride([r for r in rows if len(r["text"]) >= 25], per):
            self.prose("chat:banking77", "PolyAI-LDN/task-specific-datasets:banking_data/test.csv", row["text"].strip())

    def expert_questions(self, per=100):
        repo = self.repo("chaitanyamalaviya/ExpertQA")
        qs = []
        for line in (read(repo, "data/lfqa/rand_lfqa_test.json") or "").splitlines():
            if line.strip():
                item = json.loads(line)
                if expertqa_half(item["example_id"]) == 0 and 20 <= len(item["question"]) <= MAX_CHARS:
                    qs.append((item["example_id"], item["question"].strip()))
        for eid, q in stride(qs, per):
            self.prose("question:expertqa", f"chaitanyamalaviya/ExpertQA:data/lfqa/rand_lfqa_test.json#{eid}", q)

    def table_math(self, per=100):
        repo = self.repo("lupantech/PromptPG")
        data = json.loads(git(repo, "show", "HEAD:data/tabmwp/problems_test1k.json"))
        texts = []
        for pid in sorted(data, key=int):
            p = data[pid]
            t = f"{p['table_title']}\n{p['table']}\n\n{p['question']}" if p.get("table_title") else f"{p['table']}\n\n{p['question']}"
            if p.get("choices"):
                t += " Choices: " + ", ".join(p["choices"]) + "."
            texts.append((pid, t))
        for pid, t in stride([x for x in texts if len(x[1]) <= MAX_CHARS], per):
            self.prose("math:tabmwp", f"lupantech/PromptPG:data/tabmwp/problems_test1k.json#{pid}", t)


def expertqa_half(example_id):
    """0 for set I, 1 for set J (the SHA-256 of the example id, its last bit)."""
    return hashlib.sha256(str(example_id).encode()).digest()[-1] & 1


def main():
    mirror, out = sys.argv[1], sys.argv[2]
    b = Builder(mirror)
    b.windows("common", COMMON, PER_COMMON)
    b.windows("other", OTHER, PER_OTHER)
    b.pytest_sessions()
    b.rustc_diagnostics()
    b.logs()
    b.diffs()
    b.shell_sessions()
    b.requests()
    b.ud()
    b.prose_docs()
    b.news()
    b.lists()
    b.recipes()
    b.legal()
    b.medical()
    b.chat()
    b.expert_questions()
    b.table_math()
    listed = SOURCES.split()
    assert sorted(b.used) == sorted(listed), sorted(set(b.used) ^ set(listed))
    for name in listed:
        print(f"source {name} {b.used[name]}")
    write_records(out, b.records)


if __name__ == "__main__":
    main()

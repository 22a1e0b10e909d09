#!/usr/bin/env python3
"""Builds the second code-detection development set (issue 18, twelfth session, `recall` helper) from public
repositories that no held-out set uses (each registered in the session's dev-sources list before use).

What users paste, unfenced unless said otherwise:
  code (label true):
    - code:<Lang>   windows of 5-10 non-blank lines of source files of everyday languages and file kinds (Python,
                    JS/TS, Java, C#, Go, Rust, C, C++, PHP, Ruby, Kotlin, Swift, SQL, shell, PowerShell, HTML, CSS,
                    YAML, JSON, Dockerfile, Makefile, CMake, Terraform of several kinds: main, variables, outputs,
                    locals and for-expressions, rule tables);
    - short:<Lang>  short pastes of 1-4 lines from the same files (a call, a declaration, one command);
    - doc:<tag>     the bodies of fenced blocks of the repositories' Markdown (console sessions with output, pycon,
                    shell, yaml, hcl, liquid, toml...), sent without their fence;
    - diff:<repo>   hunks of the repositories' recent commits: with the git header, from "@@" on, or the +/- lines only.
  no code (label false):
    - docs:<repo>   prose paragraphs of the same repositories' documentation (prose about programming);
    - changelog:<repo> five consecutive bullet items of a CHANGELOG (lists about code changes);
    - sentence:<repo> single sentences of that documentation (one-line statements about code, the near misses of the
                    one-line rules);
    - commit:<repo> commit subjects of the repositories (one line about a code change, often naming it).

usage: build.py <mirror dir> <out.jsonl>
"""
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from linguist_samples import MAX_CHARS, git, write_records  # noqa: E402
from public_text import files, head, markdown_paragraphs, prose_paragraph, read, resolve, stride  # noqa: E402

# (category, repository, file name endings, path parts to leave out)
CODE = [
    ("Python", "encode/httpx", [".py"], ()),
    ("JavaScript", "axios/axios", [".js"], ("dist/", "test/")),
    ("TypeScript", "microsoft/TypeScript-Website", [".ts", ".tsx"], (".d.ts", "test")),
    ("Java", "google/gson", [".java"], ()),
    ("CSharp", "App-vNext/Polly", [".cs"], ()),
    ("Go", "urfave/cli", [".go"], ()),
    ("Rust", "BurntSushi/ripgrep", [".rs"], ()),
    ("C", "redis/hiredis", [".c", ".h"], ()),
    ("Cpp", "nlohmann/json", [".cpp", ".hpp"], ("single_include", "third_party")),
    ("PHP", "guzzle/guzzle", [".php"], ()),
    ("Ruby", "jekyll/jekyll", [".rb"], ()),
    ("Kotlin", "square/okhttp", [".kt"], ()),
    ("Swift", "Alamofire/Alamofire", [".swift"], ()),
    ("SQL", "dbt-labs/jaffle_shop", [".sql"], ()),
    ("SQLb", "pgvector/pgvector", [".sql"], ()),
    ("Shell", "nvm-sh/nvm", [".sh"], ()),
    ("PowerShell", "dahlbyk/posh-git", [".ps1", ".psm1"], ()),
    ("HTML", "h5bp/html5-boilerplate", [".html"], ()),
    ("HTMLb", "jekyll/jekyll", [".html"], ()),
    ("CSS", "h5bp/html5-boilerplate", [".css"], ()),
    ("CSSb", "jekyll/jekyll", [".scss", ".css"], ()),
    ("YAML", "docker/awesome-compose", ["compose.yaml", "compose.yml", ".yaml", ".yml"], ()),
    ("YAMLci", "jekyll/jekyll", [".yml"], ()),
    ("JSON", "microsoft/TypeScript-Website", [".json"], ("package-lock", "/generated", "copy/")),
    ("Dockerfile", "docker/awesome-compose", ["Dockerfile"], ()),
    ("Makefile", "redis/hiredis", ["Makefile", ".mk"], ()),
    ("CMake", "nlohmann/json", ["CMakeLists.txt", ".cmake"], ()),
    ("TerraformMain", "terraform-aws-modules/terraform-aws-lambda", ["main.tf"], ()),
    ("TerraformVars", "terraform-aws-modules/terraform-aws-lambda", ["variables.tf"], ()),
    ("TerraformOutputs", "terraform-aws-modules/terraform-aws-lambda", ["outputs.tf"], ()),
    ("TerraformRules", "terraform-aws-modules/terraform-aws-security-group", ["rules.tf", "auto_values.tf"], ()),
    ("TerraformSG", "terraform-aws-modules/terraform-aws-security-group", ["main.tf"], ("modules/",)),
    # Build and CI files users paste with their questions.
    ("Groovy", "jenkinsci/pipeline-examples", [".groovy", "Jenkinsfile", "JenkinsFile"], ()),
    ("GradleKts", "square/okhttp", [".gradle.kts"], ()),
    ("TOML", "BurntSushi/ripgrep", [".toml"], ()),
    ("XML", "google/gson", ["pom.xml"], ()),
]
PER_LANGUAGE = 16
SHORT_PER_LANGUAGE = 8
POSITIONS = [(8, 0.5), (5, 0.3), (10, 0.7), (6, 0.15), (7, 0.85), (5, 0.6)]
SHORT = [(1, 0.4), (2, 0.6), (3, 0.3), (4, 0.75), (1, 0.8), (2, 0.2), (3, 0.5), (1, 0.55)]
SHAPES = [
    "{s}",
    "{s}",
    "Can you explain what this does?\n\n{s}",
    "{s}\n\nWhy doesn't this work?",
    "I'm getting weird behaviour here:\n{s}\nany idea?",
]
DOC_REPOS = ["encode/httpx", "BurntSushi/ripgrep", "jekyll/jekyll", "docker/awesome-compose", "nvm-sh/nvm",
             "terraform-aws-modules/terraform-aws-lambda", "urfave/cli", "guzzle/guzzle", "pgvector/pgvector",
             "redis/hiredis", "App-vNext/Polly", "square/okhttp", "Alamofire/Alamofire", "nlohmann/json",
             "dahlbyk/posh-git", "google/gson", "axios/axios"]
DOCS_PER_REPO = 14
DIFF_REPOS = ["encode/httpx", "axios/axios", "google/gson", "urfave/cli", "redis/hiredis", "guzzle/guzzle",
              "jekyll/jekyll", "nvm-sh/nvm", "terraform-aws-modules/terraform-aws-lambda", "App-vNext/Polly"]
DIFFS_PER_REPO = 6
PROSE_REPOS = [("microsoft/TypeScript-Website", "packages/documentation/copy/en"), ("jekyll/jekyll", "docs/_docs"),
               ("encode/httpx", "docs"), ("App-vNext/Polly", "docs"), ("docker/awesome-compose", ""),
               ("guzzle/guzzle", "docs")]
CHANGELOGS = [("encode/httpx", "CHANGELOG.md"), ("axios/axios", "CHANGELOG.md"), ("guzzle/guzzle", "CHANGELOG.md"),
              ("App-vNext/Polly", "CHANGELOG.md"), ("urfave/cli", "docs/CHANGELOG.md"), ("redis/hiredis", "CHANGELOG.md")]


def windows(text, lines, at):
    body = [l.rstrip() for l in text.splitlines() if l.strip()]
    if len(body) < lines:
        return None
    start = int((len(body) - lines) * at)
    return body[start:start + lines]


def comment_only(line):
    s = line.strip()
    return s.startswith(("#", "//", "/*", "*", "--", "<!--", "'''", '"""')) or len(s) < 12


def short_paste(text, lines, at):
    """`lines` consecutive non-blank lines near fraction `at` whose first line is not a comment and is 12+ chars."""
    body = [l.rstrip() for l in text.splitlines() if l.strip()]
    if len(body) < lines:
        return None
    start = int((len(body) - lines) * at)
    for s in list(range(start, len(body) - lines + 1)) + list(range(start - 1, -1, -1)):
        chunk = body[s:s + lines]
        if not comment_only(chunk[0]) and sum(len(c.strip()) for c in chunk) >= 16:
            # Dedent so a pasted line starts at its own indentation.
            indent = min(len(c) - len(c.lstrip()) for c in chunk)
            return [c[indent:] for c in chunk]
    return None


def fences(markdown):
    """(info tag, body) of every ``` block."""
    out, inside, tag, body = [], False, "", []
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            if inside:
                out.append((tag, "\n".join(l.rstrip() for l in body if l.strip())))
                inside = False
            else:
                inside, tag, body = True, line.lstrip()[3:].strip().split(" ")[0] or "-", []
        elif inside:
            body.append(line)
    return [(t, b) for t, b in out if 1 <= b.count("\n") + 1 and len(b) <= MAX_CHARS and b.strip()]


def commit_hunks(repo, count):
    """Hunks of the newest commits that touch source files: (full diff text of one file, hunk text)."""
    log = git(repo, "log", "--no-merges", "-n", "200", "--format=%H").decode().split()
    out = []
    for sha in log:
        if len(out) >= count:
            break
        try:
            patch = git(repo, "show", "--format=", "--unified=2", sha).decode("utf-8")
        except (subprocess.CalledProcessError, UnicodeDecodeError):
            continue
        per_file = re.split(r"(?m)^(?=diff --git )", patch)
        for f in per_file:
            if not f.startswith("diff --git") or not re.search(r"\.(py|js|ts|java|go|c|h|php|rb|sh|tf|cs|yml|json)\b", f.split("\n")[0]):
                continue
            if "Binary files" in f or len(f) > MAX_CHARS or f.count("\n") < 6:
                continue
            out.append((sha, f.rstrip()))
            break
    return out


def main():
    mirror, out = sys.argv[1], sys.argv[2]
    records, used, shape = [], {}, 0
    for lang, name, suffixes, exclude in CODE:
        repo = resolve(mirror, name)
        used[name] = head(repo)
        paths = [p for p in files(repo, suffixes, exclude=exclude)]
        taken = short = 0
        for path in stride(paths, PER_LANGUAGE * 3):
            raw = read(repo, path)
            if raw is None:
                continue
            if taken < PER_LANGUAGE:
                lines, at = POSITIONS[taken % len(POSITIONS)]
                w = windows(raw, lines, at)
                if w and len("\n".join(w)) <= MAX_CHARS:
                    records.append({"id": f"dev2-{lang}-{taken}", "code": True, "category": f"code:{lang}",
                                    "source": f"{name}:{path}", "text": SHAPES[shape % len(SHAPES)].format(s="\n".join(w))})
                    shape += 1
                    taken += 1
            if short < SHORT_PER_LANGUAGE:
                lines, at = SHORT[short % len(SHORT)]
                w = short_paste(raw, lines, 1 - at)
                if w:
                    records.append({"id": f"dev2-short-{lang}-{short}", "code": True, "category": f"short:{lang}",
                                    "source": f"{name}:{path}", "text": SHAPES[short % 2].format(s="\n".join(w))})
                    short += 1
    for name in DOC_REPOS:
        repo = resolve(mirror, name)
        used[name] = head(repo)
        blocks = [(p, t, b) for p in files(repo, [".md"]) for t, b in fences(read(repo, p) or "")]
        for i, (path, tag, body) in enumerate(stride(blocks, DOCS_PER_REPO)):
            records.append({"id": f"dev2-doc-{name}-{i}", "code": True, "category": f"doc:{tag}",
                            "source": f"{name}:{path}", "text": body})
    for name in DIFF_REPOS:
        repo = resolve(mirror, name)
        for i, (sha, f) in enumerate(commit_hunks(repo, DIFFS_PER_REPO)):
            lines = f.split("\n")
            at = next((k for k, l in enumerate(lines) if l.startswith("@@")), 0)
            kind = i % 3
            if kind == 0:
                text = "\n".join(lines[:at + 10])
            elif kind == 1:
                text = "\n".join(lines[at:at + 10])
            else:
                text = "\n".join(l for l in lines[at + 1:at + 12] if not l.startswith("@@"))
            records.append({"id": f"dev2-diff-{name}-{i}", "code": True, "category": f"diff:{['header', 'hunk', 'lines'][kind]}",
                            "source": f"{name}@{sha}", "text": text})
    for name, under in PROSE_REPOS:
        repo = resolve(mirror, name)
        used[name] = head(repo)
        paragraphs = [p for path in files(repo, [".md"], under=under)
                      for p in (prose_paragraph(x) for x in markdown_paragraphs(read(repo, path) or "")) if p]
        for i, p in enumerate(stride(paragraphs, 60)):
            records.append({"id": f"dev2-prose-{name}-{i}", "code": False, "category": f"docs:{name}", "text": p})
        sentences = [x for p in paragraphs for x in re.split(r"(?<=[.!?])\s+(?=[A-Z])", p) if 20 <= len(x) <= 200]
        for i, x in enumerate(stride(sentences, 80)):
            records.append({"id": f"dev2-sentence-{name}-{i}", "code": False, "category": f"sentence:{name}", "text": x})
    for name in DIFF_REPOS:
        repo = resolve(mirror, name)
        subjects = git(repo, "log", "--no-merges", "-n", "2000", "--format=%s").decode("utf-8", "replace").split("\n")
        for i, x in enumerate(stride([x for x in subjects if len(x) >= 15], 40)):
            records.append({"id": f"dev2-commit-{name}-{i}", "code": False, "category": f"commit:{name}", "text": x})
    for name, path in CHANGELOGS:
        repo = resolve(mirror, name)
        items = [l.rstrip() for l in (read(repo, path) or "").splitlines() if l.lstrip().startswith(("* ", "- "))]
        for j in range(0, len(items) - 4, max(5, len(items) // 25)):
            records.append({"id": f"dev2-changelog-{name}-{j}", "code": False, "category": f"changelog:{name}",
                            "text": "\n".join(items[j:j + 5])})
    for name, commit in sorted(used.items()):
        print(f"{name} {commit}")
    write_records(out, records)


if __name__ == "__main__":
    main()

"""What the held-out set builders share: reading a snapshot (a checkout or a bare git directory) and set C's rule for
taking a snippet from a github-linguist sample file (set D recomputes it to leave out the files set C took)."""
import json
import subprocess

COMMENT_STARTS = ("#", "//", "/*", "*", "<!--", "--", ";", "'''", '"""')
SET_C_LINES = 12
MAX_CHARS = 1500


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", repo, *args], check=True, capture_output=True).stdout


def git_dir(path):
    out = subprocess.run(["git", "-C", path, "rev-parse", "--git-dir"], capture_output=True, text=True)
    if out.returncode == 0:
        d = out.stdout.strip()
        return d if d.startswith("/") else f"{path}/{d}"
    return path


def set_c_snippet(text):
    """Set C's snippet of a sample file: its first 12 non-blank lines after the leading comment block, or None when
    fewer than 3 remain or they run over 1,500 characters."""
    lines = [l.rstrip() for l in text.splitlines()]
    i = 0
    while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith(COMMENT_STARTS)):
        i += 1
    body = [l for l in lines[i:] if l.strip()][:SET_C_LINES]
    s = "\n".join(body)
    return s if len(body) >= 3 and len(s) <= MAX_CHARS else None


def write_records(out, records):
    """Writes the set as JSON lines and says how many of each label it holds."""
    with open(out, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{out}: {sum(r['code'] for r in records)} code, {sum(not r['code'] for r in records)} without code")

#!/usr/bin/env python3
"""Adds tool output to the second development set (issue 18, twelfth session): the real diagnostics of compilers,
interpreters, test runners and build tools (python3, node, javac/java, gcc, g++, rustc, git, make, npm, bash) run on
small faulty programs written for this script, so the output's format is the tool's own. Each output is recorded
whole (up to 30 lines), as its first error line and up to two lines after it (the short error users paste), and after
a question.

usage: tool_output.py <out.jsonl>   (appends; pytest is Debian's python3-pytest 7.2.1 under /usr/bin/python3)
The versions the committed figures were measured with: Python 3.11.7, node v20.20.2, javac/java 17.0.15, gcc/g++ 12.2.0,
rustc 1.95.0, git 2.39.5, GNU Make 4.3, npm 11.19.1, GNU bash 5.2.
"""
import json
import os
import subprocess
import sys
import tempfile

CASES = [
    ("python", "a.py", "import json\n\ndef load(p):\n    return json.loads(p)['items']\n\nprint(load('{\"item\": 1}'))\n", ["python3", "a.py"]),
    ("python", "a.py", "class User:\n    def __init__(self):\n        self.profile = None\n\nu = User()\nprint(u.profile.name)\n", ["python3", "a.py"]),
    ("python", "a.py", "import requestz\n", ["python3", "a.py"]),
    ("python", "a.py", "total = 0\nfor x in ['1', 2, 3]:\n    total += x\n", ["python3", "a.py"]),
    ("python", "a.py", "def f(x):\n    if x:\n    return 1\n", ["python3", "a.py"]),
    ("python", "a.py", "def depth(n):\n    return depth(n + 1)\n\ndepth(0)\n", ["python3", "a.py"]),
    ("python", "a.py", "age = int('twelve')\n", ["python3", "a.py"]),
    ("python", "a.py", "with open('/nonexistent/config.yaml') as f:\n    print(f.read())\n", ["python3", "a.py"]),
    ("python", "a.py", "import json\njson.loads('{\"a\": 1,}')\n", ["python3", "a.py"]),
    ("python", "t.py", "import unittest\n\ndef add(a, b):\n    return a - b\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(1, 2), 3)\n\n    def test_ok(self):\n        self.assertTrue(True)\n\nunittest.main()\n", ["python3", "t.py"]),
    ("pytest", "test_a.py", "import pytest\n\ndef parse(s):\n    return dict(x.split('=') for x in s.split(';'))\n\ndef test_parse():\n    assert parse('a=1;b=2') == {'a': '1', 'b': 2}\n\ndef test_empty():\n    assert parse('') == {}\n\n@pytest.mark.parametrize('n', [1, 2, 3])\ndef test_even(n):\n    assert n % 2 == 0\n", ["/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_a.py"]),
    ("pytest", "test_b.py", "import json\n\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n\ndef test_load(tmp_path):\n    p = tmp_path / 'c.json'\n    p.write_text('{\"a\": 1,}')\n    assert load(p)['a'] == 1\n", ["/usr/bin/python3", "-m", "pytest", "-p", "no:cacheprovider", "test_b.py"]),
    ("node", "a.js", "const users = undefined;\nconsole.log(users.map(u => u.name));\n", ["node", "a.js"]),
    ("node", "a.js", "function main() {\n  return totl + 1;\n}\nmain();\n", ["node", "a.js"]),
    ("node", "a.js", "const express = require('express');\nconst app = express();\n", ["node", "a.js"]),
    ("node", "a.js", "const x = {\n  a: 1,\n  b: 2\n  c: 3\n};\n", ["node", "a.js"]),
    ("node", "a.js", "async function f() { throw new Error('connection refused'); }\nf();\n", ["node", "a.js"]),
    ("node", "a.test.js", "const test = require('node:test');\nconst assert = require('node:assert');\ntest('adds', () => {\n  assert.strictEqual(1 + 1, 3);\n});\n", ["node", "--test", "a.test.js"]),
    ("javac", "Main.java", "public class Main {\n    public static void main(String[] args) {\n        Strin name = \"x\";\n        System.out.println(name)\n    }\n}\n", ["javac", "Main.java"]),
    ("javac", "Main.java", "import java.util.*;\npublic class Main {\n    public static void main(String[] args) {\n        List<String> xs = new ArrayList<>();\n        int n = xs;\n    }\n}\n", ["javac", "Main.java"]),
    ("java", "Main.java", "public class Main {\n    static String name(String s) { return s.trim(); }\n    public static void main(String[] args) {\n        System.out.println(name(null));\n    }\n}\n", ["java", "Main.java"]),
    ("java", "Main.java", "public class Main {\n    public static void main(String[] args) {\n        int[] a = new int[3];\n        for (int i = 0; i <= 3; i++) a[i] = i;\n    }\n}\n", ["java", "Main.java"]),
    ("gcc", "a.c", "#include <stdio.h>\nint main(void) {\n    int x = 1\n    printf(\"%d\\n\", x);\n    return 0;\n}\n", ["gcc", "-Wall", "a.c"]),
    ("gcc", "a.c", "int main(void) {\n    int unused;\n    return compute(2);\n}\n", ["gcc", "-Wall", "a.c"]),
    ("gcc", "a.c", "int helper(int);\nint main(void) { return helper(1); }\n", ["gcc", "a.c"]),
    ("gcc", "a.c", "#include <stdlib.h>\nint main(void) {\n    char *p = malloc(4);\n    int n = p;\n    return n;\n}\n", ["gcc", "-Wall", "a.c"]),
    ("g++", "a.cpp", "#include <vector>\n#include <string>\nint main() {\n    std::vector<int> v;\n    v.push_back(std::string(\"x\"));\n}\n", ["g++", "a.cpp"]),
    ("g++", "a.cpp", "#include <iostream>\nclass A { int x; };\nint main() {\n    A a;\n    std::cout << a.x << std::endl;\n}\n", ["g++", "a.cpp"]),
    ("rustc", "a.rs", "fn main() {\n    let s = String::from(\"hi\");\n    let t = s;\n    println!(\"{}\", s);\n}\n", ["rustc", "a.rs"]),
    ("rustc", "a.rs", "fn add(a: i32, b: i32) -> i32 { a + b }\nfn main() {\n    let x: i32 = add(1, \"2\");\n    println!(\"{}\", x);\n}\n", ["rustc", "a.rs"]),
    ("rustc", "a.rs", "fn main() {\n    let v: Vec<i32> = Vec::new();\n    let unused = 3;\n    println!(\"{}\", v[0]);\n}\n", ["sh", "-c", "rustc a.rs 2>&1 && ./a"]),
    ("bash", "a.sh", "#!/bin/bash\nset -e\nif [ -f config ]; then\n  echo ok\nfi\nfoo_command --now\n", ["bash", "a.sh"]),
    ("bash", "a.sh", "#!/bin/bash\nfor f in *.txt; do\n  echo $f\ndone\nfi\n", ["bash", "a.sh"]),
    ("make", "Makefile", "all: build\n\nbuild:\n\tgcc -o app main.c\n", ["make"]),
    ("make", "Makefile", "all:\n\t@echo building\n", ["make", "deploy"]),
    ("npm", "package.json", "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"scripts\": {\"start\": \"node index.js\"}\n}\n", ["npm", "run", "build"]),
    ("npm", "package.json", "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"scripts\": {\"start\": \"node index.js\"}\n}\n", ["npm", "start"]),
    ("git", "a.txt", "one\n", ["sh", "-c", "git init -q . && git add a.txt && git -c user.name=a -c user.email=a@b commit -qm init && git checkout -qb other && echo two > a.txt && git -c user.name=a -c user.email=a@b commit -qam two && git checkout -q - && echo three > a.txt && git -c user.name=a -c user.email=a@b commit -qam three && git merge other; cat a.txt"]),
    ("git", "a.txt", "one\n", ["sh", "-c", "git init -q . && git add a.txt && git -c user.name=a -c user.email=a@b commit -qm init && git push origin main"]),
    ("git", "a.txt", "one\n", ["sh", "-c", "git init -q . && git add a.txt && echo two >> a.txt && git status && git diff"]),
]


def run(case, workdir):
    tool, name, body, command = case
    with open(os.path.join(workdir, name), "w") as f:
        f.write(body)
    env = dict(os.environ, NO_COLOR="1", TERM="dumb", GIT_CONFIG_GLOBAL="/dev/null", npm_config_update_notifier="false",
               GIT_AUTHOR_NAME="a", GIT_AUTHOR_EMAIL="a@example.com", GIT_COMMITTER_NAME="a", GIT_COMMITTER_EMAIL="a@example.com")
    p = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=120, env=env)
    out = (p.stdout + p.stderr).replace(workdir, "/home/dev/project").rstrip()
    return "\n".join(l.rstrip() for l in out.splitlines())


def main():
    out = sys.argv[1]
    records = []
    for i, case in enumerate(CASES):
        with tempfile.TemporaryDirectory() as d:
            text = run(case, d)
        lines = [l for l in text.splitlines() if l.strip()]
        if not lines:
            continue
        tool = case[0]
        records.append({"id": f"dev2-out-{tool}-{i}", "code": True, "category": f"out:{tool}", "text": "\n".join(lines[:30])})
        records.append({"id": f"dev2-out-{tool}-{i}-q", "code": True, "category": f"out:{tool}",
                        "text": "I get this when I run it:\n\n" + "\n".join(lines[:20]) + "\n\nwhat am I doing wrong?"})
        # The error line users paste: the first naming an error, a failure or a panic, and up to two lines after it.
        marks = ("rror", "xception", "panicked", "fatal", "FAIL", "not ok", "CONFLICT", "warning")
        at = next((k for k, l in enumerate(lines) if any(m in l for m in marks)), len(lines) - 1)
        tail = [l.strip() for l in lines[at:at + 1 + i % 3]]
        records.append({"id": f"dev2-outshort-{tool}-{i}", "code": True, "category": f"outshort:{tool}", "text": "\n".join(tail)})
    with open(out, "a") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    print(f"{out}: +{len(records)} tool outputs")


if __name__ == "__main__":
    main()

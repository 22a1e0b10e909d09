#!/usr/bin/env python3
"""Adds log output to the second development set (issue 18, twelfth session): the real logs of PostgreSQL 15 (server
log and psql errors), redis-server, nginx (error log of a bad configuration, access log), Python's logging module and
java.util.logging with an exception, produced on this machine by short runs on loopback and temporary folders. Each
log is recorded as windows of 3-8 lines and as single lines (category log:<tool> and logline:<tool>).

usage: logs.py <out.jsonl>   (appends; needs /usr/lib/postgresql/15/bin, redis-server, nginx, python3, java; runs
PostgreSQL as `nobody`)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

PG = "/usr/lib/postgresql/15/bin"


def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def postgres(d):
    data = os.path.join(d, "pg")
    os.makedirs(data)
    shutil.chown(d, "nobody")
    shutil.chown(data, "nobody")
    run = lambda *c: sh(["runuser", "-u", "nobody", "--", *c], cwd=d)
    run(f"{PG}/initdb", "-D", data, "-A", "trust", "-U", "postgres")
    log = os.path.join(d, "server.log")
    run(f"{PG}/pg_ctl", "-D", data, "-l", log, "-o", f"-p 55439 -k {d} -c listen_addresses=''", "-w", "start")
    queries = ["select * form users;", "select * from users;", "create table t (id int primary key, name text);",
               "insert into t values (1, 'a'), (1, 'b');", "select nme from t;", "select 1/0;",
               "insert into t values ('x', 'y');", "drop table missing_table;"]
    errors = []
    for q in queries:
        p = run(f"{PG}/psql", "-h", d, "-p", "55439", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-c", q)
        if p.stderr.strip():
            errors.append(p.stderr.strip())
    run(f"{PG}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
    with open(log) as f:
        return f.read(), errors


def redis(d):
    p = subprocess.Popen(["redis-server", "--port", "56379", "--bind", "127.0.0.1", "--dir", d, "--save", "", "--appendonly", "no"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1.5)
    sh(["redis-cli", "-p", "56379", "shutdown", "nosave"])
    out, _ = p.communicate(timeout=20)
    return out


def nginx(d):
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\nhttp {{\n  access_log {d}/access.log;\n"
                f"  server {{\n    lisen 127.0.0.1:58080;\n    root {d};\n  }}\n}}\n")
    bad = sh(["nginx", "-t", "-c", conf, "-p", d]).stderr
    with open(conf, "w") as f:
        f.write(f"pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\nhttp {{\n  access_log {d}/access.log;\n"
                f"  client_body_temp_path {d}; proxy_temp_path {d}; fastcgi_temp_path {d}; uwsgi_temp_path {d}; scgi_temp_path {d};\n"
                f"  server {{\n    listen 127.0.0.1:58080;\n    root {d};\n    location /api/ {{ proxy_pass http://127.0.0.1:58081; }}\n  }}\n}}\n")
    open(os.path.join(d, "index.html"), "w").write("<p>hi</p>\n")
    sh(["nginx", "-c", conf, "-p", d])
    time.sleep(0.5)
    for path in ["/", "/missing.php", "/api/users?id=3", "/index.html", "/.env", "/api/orders"]:
        sh(["curl", "-s", "-o", "/dev/null", "-A", "Mozilla/5.0 (X11; Linux x86_64)", f"http://127.0.0.1:58080{path}"])
    sh(["nginx", "-c", conf, "-p", d, "-s", "stop"])
    time.sleep(0.5)
    access = open(os.path.join(d, "access.log")).read() if os.path.exists(os.path.join(d, "access.log")) else ""
    error = open(os.path.join(d, "error.log")).read() if os.path.exists(os.path.join(d, "error.log")) else ""
    return bad, access, error


PY = """import logging, logging.handlers
logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(levelname)s [%(name)s] %(message)s")
log = logging.getLogger("app.worker")
log.info("starting worker pid=%d queue=%s", 4242, "emails")
log.debug("fetched %d jobs in %.3fs", 12, 0.0421)
log.warning("retrying job id=%s after timeout (attempt %d/%d)", "a1b2", 2, 5)
try:
    {}["user_id"]
except KeyError:
    log.exception("job failed")
logging.getLogger("urllib3.connectionpool").debug('Starting new HTTPS connection (1): api.example.com:443')
log.error("giving up on job id=%s", "a1b2")
"""

JAVA = """import java.util.logging.*;
public class Main {
    private static final Logger LOG = Logger.getLogger("com.example.orders.OrderService");
    public static void main(String[] args) {
        LOG.info("Loaded 42 orders from cache");
        LOG.warning("Slow query: 1520 ms for findByCustomer");
        try { Integer.parseInt("12a"); }
        catch (NumberFormatException e) { LOG.log(Level.SEVERE, "Could not parse order id", e); }
    }
}
"""


def main():
    out = sys.argv[1]
    logs = {}
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o777)
        server, errors = postgres(d)
        logs["postgres"] = server
        logs["psql"] = "\n".join(errors)
    with tempfile.TemporaryDirectory() as d:
        logs["redis"] = redis(d)
    with tempfile.TemporaryDirectory() as d:
        bad, access, error = nginx(d)
        logs["nginx-t"], logs["nginx-access"], logs["nginx-error"] = bad, access, error
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "a.py"), "w").write(PY)
        logs["python-logging"] = sh(["python3", "a.py"], cwd=d).stderr
        open(os.path.join(d, "Main.java"), "w").write(JAVA)
        logs["java-logging"] = sh(["java", "Main.java"], cwd=d).stderr
    records = []
    for tool, text in logs.items():
        lines = [l.rstrip() for l in text.splitlines() if l.strip()]
        print(f"{tool}: {len(lines)} lines")
        for i, start in enumerate(range(0, max(1, len(lines) - 2), 4)):
            w = lines[start:start + 3 + i % 6]
            if w:
                records.append({"id": f"dev2-log-{tool}-{i}", "code": True, "category": f"log:{tool}", "text": "\n".join(w)})
        for i, line in enumerate(lines[1::3][:8]):
            records.append({"id": f"dev2-logline-{tool}-{i}", "code": True, "category": f"logline:{tool}", "text": line.strip()})
    with open(out, "a") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    print(f"{out}: +{len(records)} log records")


if __name__ == "__main__":
    main()

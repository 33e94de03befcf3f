"""Scan a local copy of the portal with wapiti (Debian's package), anonymously
and logged in as each demo role, and fail on any finding above low severity.

Run by ``make security``. Everything stays on this machine: a throwaway
SQLite database with the demo data, the site on 127.0.0.1, and wapiti's
``ssrf`` module turned off (it contacts an outside site). Each scan is
bounded in time (``SCAN_SECONDS`` of crawling, a quarter of that for each
attack module). ``SCAN_MODULES`` picks wapiti's modules (CI leaves out the
slow time-based ``blindsql``; ``make security`` runs them all). Reports are
written to ``$SCAN_DIR`` (default ``/tmp/citizenleaders-scan``).

    python -m tests.security.wapiti_scan [role ...]
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.local_site import gunicorn, run_manage, session_cookie

ROLES = {
    "anonymous": None,
    "member": "member@example.org",
    "applicant": "applicant@example.org",
    "leader": "leader@example.org",
    "council_staff": "council.staff@example.org",
    "regional_coordinator": "regional.coordinator@example.org",
    "national_coordinator": "coordinator@example.org",
}
# wapiti's levels: 1 low, 2 medium, 3 high (0 for information).
HIGHEST_ALLOWED = 1


def crawled(session_dir) -> int:
    """How many addresses wapiti crawled (from its session database)."""
    import sqlite3

    total = 0
    for database in session_dir.glob("*.db"):
        with sqlite3.connect(database) as connection:
            total += connection.execute("SELECT count(*) FROM paths").fetchone()[0]
    return total


def scan(role, url, env, out_dir, max_scan_time):
    report = out_dir / f"{role}.json"
    command = [
        "wapiti",
        "-u",
        url + "/",
        "--scope",
        "folder",
        "-m",
        os.environ.get("SCAN_MODULES", "common,-ssrf"),
        "-d",
        "3",
        "--max-links-per-page",
        "40",
        "--max-scan-time",
        str(max_scan_time),
        "--max-attack-time",
        str(max(10, max_scan_time // 4)),
        "--flush-session",
        "--store-session",
        str(out_dir / f"{role}-session"),
        "-f",
        "json",
        "-o",
        str(report),
        "--verify-ssl",
        "0",
    ]
    # wapiti 3.0.4's --exclude fails on Python 3.11 (a regular expression it
    # builds), so nothing is excluded: the forms that close an account or
    # change a password need the password, which the scan does not have, and a
    # scan logged out part-way through goes on as a visitor.
    email = ROLES[role]
    if email:
        command += ["-H", f"Cookie: sessionid={session_cookie(env, email)}"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = json.loads(report.read_text())
    problems = []
    if not crawled(out_dir / f"{role}-session"):
        problems.append(f"{role}: the scan found no page to crawl")
    for kind, items in found.get("vulnerabilities", {}).items():
        for item in items:
            if item.get("level", 0) > HIGHEST_ALLOWED:
                problems.append(f"{role}: {kind} (level {item['level']}) {item.get('info')}")
    anomalies = sum(len(items) for items in found.get("anomalies", {}).values())
    print(
        f"{role}: {crawled(out_dir / f'{role}-session')} addresses crawled, "
        f"{sum(len(v) for v in found.get('vulnerabilities', {}).values())} findings, "
        f"{len(problems)} above low severity, {anomalies} anomalies; report {report}"
    )
    for kind, items in found.get("anomalies", {}).items():
        for item in items:
            problems.append(f"{role}: anomaly {kind}: {item.get('info')} at {item.get('path')}")
    return problems


def main(roles):
    out_dir = Path(os.environ.get("SCAN_DIR", "/tmp/citizenleaders-scan"))
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    max_scan_time = int(os.environ.get("SCAN_SECONDS", "180"))
    workdir = Path(tempfile.mkdtemp(prefix="citizenleaders-scan-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{workdir / 'scan.sqlite3'}",
        "EMAIL_URL": "consolemail://",
    }
    run_manage(env, "migrate", "--noinput", capture=True)
    run_manage(env, "seed_demo", capture=True)
    problems = []
    try:
        with gunicorn(env, out_dir / "server.log") as url:
            for role in roles:
                problems += scan(role, url, env, out_dir, max_scan_time)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if problems:
        print("\n".join(problems))
        return 1
    print("No finding above low severity.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or list(ROLES)))

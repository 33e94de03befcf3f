"""How the portal does in a browser and under load, written to WEB-PERFORMANCE.md.

    python -m tests.performance.web lighthouse   # make lighthouse
    python -m tests.performance.web throughput   # make throughput

``lighthouse``: npm's Lighthouse (pinned in package.json) drives Debian's
Chromium against gunicorn serving the demo data from a throwaway SQLite
database, in production mode (no DJANGO_DEBUG, collected and compressed static
files, a real secret key; only the HTTPS redirect is off, as there is no TLS
proxy here). It scores five pages and measures the home page's first visit
from Lighthouse's network-requests audit.

``throughput``: gunicorn with two workers on PostgreSQL (database
``cl_webperf``, made afresh), with ``wrk`` (Debian's package) on this machine,
10 seconds per address with four connections, one after another in one run:
the directory against the back office's list of the same leaders (as the
national coordinator), and the anonymous information pages against the same
bytes saved as a static file and served by WhiteNoise.

Everything stays on 127.0.0.1. Each section of WEB-PERFORMANCE.md is
rewritten by its own command; the other is kept.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from tests.local_site import gunicorn, run_manage, session_cookie

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "WEB-PERFORMANCE.md"
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
LIGHTHOUSE_PAGES = [
    ("Home", "/", None),
    ("Application start", "/apply/", None),
    ("Events", "/events/", None),
    ("Coverage", "/ulos/coverage/", None),
    ("Directory (council staff)", "/directory/", "council.staff@example.org"),
]
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0}
HOME_WEIGHT_LIMIT = 60 * 1024
POSTGRES_URL = os.environ.get(
    "WEBPERF_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cl_webperf"
)
WRK_SECONDS = int(os.environ.get("WRK_SECONDS", "10"))
WRK_CONNECTIONS = int(os.environ.get("WRK_CONNECTIONS", "4"))
# wrk reports its summary through this script, with the 95th percentile
# that its own --latency output leaves out.
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "errors": %d, "p50_ms": %f, "p95_ms": %f, "p99_ms": %f}\\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3))
end
"""


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def production_env(workdir, database_url):
    """The settings production uses, except the HTTPS redirect (no TLS here)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("DATABASE_URL", "CACHE_URL")
    }
    env.update(
        {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "DATABASE_URL": database_url,
            "EMAIL_URL": "consolemail://",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    return env


def prepare(env):
    """Migrate, load the demo data (a developer's command, so with DJANGO_DEBUG)
    and collect the static files as a deploy does."""
    debug_env = {**env, "DJANGO_DEBUG": "1"}
    log("migrate")
    run_manage(debug_env, "migrate", "--noinput", capture=True)
    log("seed_demo")
    run_manage(debug_env, "seed_demo", capture=True)
    log("collectstatic")
    run_manage(env, "collectstatic", "--noinput", capture=True)
    log("prepared")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, cookie=None, encoding=None):
    """(status, headers, body) of one GET, without following redirects."""
    headers = {}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    if encoding:
        headers["Accept-Encoding"] = encoding
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def expect_ok(url, cookie=None):
    status, _headers, body = fetch(url, cookie)
    if status != 200:
        raise RuntimeError(f"{url} answered {status}, not 200: the measurement would be wrong")
    return body


# Lighthouse ----------------------------------------------------------------


def lighthouse(url, out_path, cookie=None):
    command = [
        str(ROOT / "node_modules" / ".bin" / "lighthouse"),
        url,
        "--output=json",
        f"--output-path={out_path}",
        "--only-categories=performance,accessibility,best-practices",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": f"sessionid={cookie}"}))
    # Chromium's trace now and then misses the navigation (NO_NAVSTART): try again.
    for attempt in range(3):
        finished = subprocess.run(
            command, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=120, check=False
        )
        if finished.returncode == 0:
            return json.loads(Path(out_path).read_text())
        log(f"Lighthouse failed on {url} (attempt {attempt + 1})")
    raise RuntimeError(f"Lighthouse could not measure {url}")


def failing_audits(result, category):
    """The audits that cost a category points, for the report."""
    audits = result["audits"]
    names = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            names.append(f"{ref['id']} ({audit['score']:.2f})")
    return names


def page_weight(result):
    """Transfer sizes of the first visit, and any render-blocking script."""
    items = result["audits"]["network-requests"]["details"]["items"]
    requests = [
        (item["url"], item.get("resourceType", ""), item.get("transferSize", 0))
        for item in items
        if item["url"].startswith("http")
    ]
    blocking = []
    for audit_id, audit in result["audits"].items():
        if "render-blocking" in audit_id:
            details = audit.get("details") or {}
            blocking += [item.get("url", "") for item in details.get("items", [])]
    return requests, blocking


def run_lighthouse():
    workdir = Path(tempfile.mkdtemp(prefix="citizenleaders-lighthouse-"))
    env = production_env(workdir, f"sqlite:///{workdir / 'site.sqlite3'}")
    # Lighthouse's full reports, kept for a closer look.
    reports = Path(os.environ.get("LIGHTHOUSE_DIR", "/tmp/citizenleaders-lighthouse"))
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir(parents=True)
    started = time.monotonic()
    try:
        prepare(env)
        cookies = {email: session_cookie(env, email) for _, _, email in LIGHTHOUSE_PAGES if email}
        rows, details, weight = [], [], None
        with gunicorn(env, workdir / "server.log") as url:
            status, headers, _ = fetch(url + "/", encoding="gzip, deflate, br")
            home_encoding = headers.get("Content-Encoding", "none")
            only = os.environ.get("LIGHTHOUSE_ONLY")
            for name, path, email in LIGHTHOUSE_PAGES:
                if only and path != only:
                    continue
                expect_ok(url + path, cookies.get(email))
                log(f"lighthouse {path}")
                slug = path.strip("/").replace("/", "-") or "home"
                result = lighthouse(url + path, reports / f"{slug}.json", cookies.get(email))
                scores = {key: result["categories"][key]["score"] for key in TARGETS}
                met = all(scores[key] >= target for key, target in TARGETS.items())
                rows.append(
                    f"| {name} (`{path}`) | "
                    + " | ".join(f"{scores[key]:.2f}" for key in TARGETS)
                    + f" | {'met' if met else '**missed**'} |"
                )
                for key in TARGETS:
                    if scores[key] < TARGETS[key]:
                        details.append(f"- {name}, {key}: {', '.join(failing_audits(result, key))}")
                if path == "/":
                    weight = page_weight(result)
                    fcp = result["audits"]["first-contentful-paint"]["displayValue"]
                    lcp = result["audits"]["largest-contentful-paint"]["displayValue"]
                    tbt = result["audits"]["total-blocking-time"]["displayValue"]
                    cls = result["audits"]["cumulative-layout-shift"]["displayValue"]
                    version = result["lighthouseVersion"]
                    chrome = result["environment"]["hostUserAgent"]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    if weight is None:  # LIGHTHOUSE_ONLY left the home page out: nothing to record
        print("\n".join(rows + details))
        return
    requests, blocking = weight
    total = sum(size for _, _, size in requests)
    blocking_scripts = [u for u in blocking if re.search(r"\.m?js(\?|$)", u)]
    chrome_version = re.search(r"Chrome/([\d.]+)", chrome)
    lines = [
        "## Lighthouse and page weight (`make lighthouse`)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with Lighthouse {version} "
        f"and Chromium {chrome_version.group(1) if chrome_version else '?'} (headless), "
        "Lighthouse's default mobile profile with simulated throttling, against gunicorn "
        "(two workers) in production mode on a throwaway SQLite database with the demo data. "
        "Production mode: no `DJANGO_DEBUG`, a random 64-character `DJANGO_SECRET_KEY`, "
        "`DJANGO_ALLOWED_HOSTS=127.0.0.1`, static files collected (hashed, compressed) into a "
        "temporary `DJANGO_STATIC_ROOT` and served by WhiteNoise; only "
        "`DJANGO_SECURE_SSL_REDIRECT=0`, because there is no TLS proxy on this machine "
        "(plain http on 127.0.0.1 counts as a secure context for Chromium). The directory "
        "is opened as the demo council staff member (who has two-factor set up) with a "
        "session cookie passed in `--extra-headers`.",
        "",
        "Targets: performance ≥ 0.95, accessibility 1.0, best practices 1.0.",
        "",
        "| Page | Performance | Accessibility | Best practices | Targets |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
    ]
    if details:
        lines += ["Audits that cost points:", "", *details, ""]
    lines += [
        f"Home page metrics (simulated mobile): first contentful paint {fcp}, largest "
        f"contentful paint {lcp}, total blocking time {tbt}, cumulative layout shift {cls}.",
        "",
        "### The home page's first visit",
        "",
        f"Total transferred: **{total / 1024:.1f} KB** compressed "
        f"(target under {HOME_WEIGHT_LIMIT // 1024} KB: "
        f"{'met' if total < HOME_WEIGHT_LIMIT else '**missed**'}); the HTML itself is sent "
        f"with `Content-Encoding: {home_encoding}`. Render-blocking scripts: "
        f"{', '.join(blocking_scripts) if blocking_scripts else 'none'} (render-blocking "
        f"resources Lighthouse lists: {len(blocking)}"
        + (
            f": {', '.join(re.sub(r'^https?://[^/]+', '', u) for u in blocking)}"
            if blocking
            else ""
        )
        + ").",
        "",
        "| Request | Type | Transferred |",
        "| --- | --- | --- |",
        *(
            f"| `{re.sub(r'^https?://[^/]+', '', u)}` | {kind} | {size / 1024:.1f} KB |"
            for u, kind, size in requests
        ),
        "",
        f"(`make lighthouse` took {time.monotonic() - started:.0f} s.)",
        "",
    ]
    write_section("lighthouse", "\n".join(lines))
    write_section("notes", NOTES)
    print("\n".join(lines))


# Throughput ----------------------------------------------------------------


def fresh_postgres_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def wrk(url, script, cookie=None):
    command = [
        "wrk",
        "--threads",
        "2",
        "--connections",
        str(WRK_CONNECTIONS),
        "--duration",
        f"{WRK_SECONDS}s",
        "--timeout",
        "10s",
        "--script",
        str(script),
    ]
    if cookie:
        command += ["--header", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(
        [*command, url], check=True, capture_output=True, text=True, timeout=WRK_SECONDS + 60
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def run_throughput():
    workdir = Path(tempfile.mkdtemp(prefix="citizenleaders-throughput-"))
    env = production_env(workdir, POSTGRES_URL)
    script = workdir / "report.lua"
    script.write_text(WRK_REPORT)
    started = time.monotonic()
    try:
        fresh_postgres_database(POSTGRES_URL)
        prepare(env)
        coordinator = session_cookie(env, "coordinator@example.org")
        copies = {"/": "home.html", "/about/what-is-a-citizen-leader/": "about.html"}
        # The pages as an anonymous visitor gets them, saved as static files;
        # WhiteNoise finds files when it starts, so the site starts again after.
        with gunicorn(env, workdir / "server.log") as url:
            for path, name in copies.items():
                (workdir / "static" / "perf").mkdir(exist_ok=True)
                (workdir / "static" / "perf" / name).write_bytes(expect_ok(url + path))
        runs = {}
        with gunicorn(env, workdir / "server.log") as url:
            leaders = expect_ok(url + "/directory/", coordinator)
            expect_ok(url + "/admin/leaders/leader/", coordinator)
            plan = [
                ("directory", "/directory/", coordinator),
                ("admin", "/admin/leaders/leader/", coordinator),
                ("home", "/", None),
                ("home-static", "/static/perf/home.html", None),
                ("about", "/about/what-is-a-citizen-leader/", None),
                ("about-static", "/static/perf/about.html", None),
            ]
            for key, path, cookie in plan:
                expect_ok(url + path, cookie)
                log(f"wrk {path}")
                runs[key] = (path, wrk(url + path, script, cookie))
        # For comparison: the home page rendered afresh every time.
        with gunicorn({**env, "PAGE_CACHE_SECONDS": "0"}, workdir / "server.log") as url:
            log("wrk / without the cache")
            runs["home-uncached"] = ("/", wrk(url + "/", script))
        leader_rows = leaders.count(b'class="govuk-summary-card"')
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    def row(label, key):
        path, result = runs[key]
        return (
            f"| {label} | `{path}` | {result['rps']:.0f} | {result['p50_ms']:.1f} | "
            f"{result['p95_ms']:.1f} | {result['errors']} |"
        )

    def ratio(a, b):
        return runs[a][1]["rps"] / runs[b][1]["rps"]

    directory_ratio = ratio("directory", "admin")
    home_ratio = ratio("home", "home-static")
    about_ratio = ratio("about", "about-static")
    p95_over = [
        f"`{path}` ({result['p95_ms']:.0f} ms)"
        for path, result in runs.values()
        if result["p95_ms"] >= 50
    ]
    lines = [
        "## Throughput with gunicorn (`make throughput`)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: gunicorn (two sync workers, "
        "`--no-control-socket`) in production mode (as above) on PostgreSQL 15 "
        "(`cl_webperf`, made afresh, with `seed_demo`), the local-memory cache; "
        f"`wrk` with {WRK_CONNECTIONS} connections on 2 threads for {WRK_SECONDS} s per "
        "address, one after another in one run on the same machine (2 cores, shared with "
        "the load generator and other work, so the absolute figures move from run to run; "
        "the ratios are what the targets are about). Signed-in runs use the demo national "
        "coordinator's session cookie; anonymous runs send no cookie and no "
        "`Accept-Encoding` (so the page and the static file both go uncompressed). The "
        "static copies are the anonymous pages' HTML saved into the collected static folder "
        "and served by WhiteNoise.",
        "",
        "| What | Address | Requests/s | p50 (ms) | p95 (ms) | Errors |",
        "| --- | --- | --- | --- | --- | --- |",
        row("Directory", "directory"),
        row("Back office list of leaders", "admin"),
        row("Home page (anonymous)", "home"),
        row("Home page as a static file", "home-static"),
        row("Home page with the cache off (`PAGE_CACHE_SECONDS=0`)", "home-uncached"),
        row("About page (anonymous)", "about"),
        row("About page as a static file", "about-static"),
        "",
        f"- Directory against the back office list: **{directory_ratio:.1f}×** (target 3×: "
        f"{'met' if directory_ratio >= 3 else '**missed**'}). The demo data gives the "
        f"directory {leader_rows} leaders on its first page.",
        f"- Home page against its static copy: **{home_ratio:.0%}** (target 80 %: "
        f"{'met' if home_ratio >= 0.8 else '**missed**'}); about page: **{about_ratio:.0%}** "
        f"({'met' if about_ratio >= 0.8 else '**missed**'}).",
        "- p95 under 50 ms: "
        + ("met on every address." if not p95_over else "missed on " + ", ".join(p95_over) + "."),
        "",
        f"(`make throughput` took {time.monotonic() - started:.0f} s.)",
        "",
    ]
    write_section("throughput", "\n".join(lines))
    write_section("notes", NOTES)
    print("\n".join(lines))


# The report ----------------------------------------------------------------

INTRODUCTION = """# Web performance

What a visitor's browser and a loaded server see, measured on this machine by
`make lighthouse` and `make throughput` (tests/performance/web.py), which
rewrite their own sections below. In-process query counts and server times are
in BENCHMARKS.md (`make bench`).
"""


NOTES = """## What was changed, and why

- **Information pages from the cache** (`citizenleaders/page_cache.py`). The home
  page, the About pages and the statements (accessibility, privacy, cookies, data
  sources) are templates only: no figures, no forms, nothing about the reader. An
  anonymous GET with no query string and neither the session cookie nor the
  messages cookie is answered from `CACHE_URL`'s cache (local memory by default)
  by a middleware that sits inside the security, CSP and WhiteNoise middleware (so
  a cached page gets exactly the same security headers) and before sessions,
  CSRF and authentication (so a hit costs no database query). A page is stored
  only from a view marked `public_page`, after a 200 with no cookie set, no CSRF
  token used, no `private`/`no-store` and nothing in `Vary` beyond `Cookie`; a
  signed-in person, or anyone with a message waiting, always gets a fresh page
  and never fills the cache. The key carries a hash of the templates, the apps'
  code, the static files' manifest and `RELEASE`, so a deploy starts afresh;
  `PAGE_CACHE_SECONDS` (default 600, 0 turns it off) bounds each page's life.
  Cached pages carry an `ETag` (a revalidation gets a 304). Tests:
  `tests/citizenleaders/test_page_cache.py`.
- **Compressed HTML, and BREACH.** The cached pages are stored with a gzip copy
  and sent compressed to browsers that accept it (`Vary: Accept-Encoding`), so the
  home page's HTML travels compressed at no cost per request. BREACH recovers a
  secret from the size of compressed responses that also reflect the attacker's
  input; these pages hold no secret (no CSRF token, no session data, nothing
  personal) and reflect nothing (no query string is served from the cache), so
  there is nothing to recover. Django's `GZipMiddleware` was *not* added: every
  other page may carry a CSRF token (the Log out form of every signed-in page) or
  personal data next to reflected search input, and compressing those is a
  decision for the reverse proxy, which should compress static files and these
  pages only.
- **The navigation no longer collapses behind a Menu button on small screens**
  (`templates/includes/service_navigation.html`, `static/scss/_app.scss`; GOV.UK's
  `collapseNavigationOnMobile: false`). GOV.UK Frontend collapses it with
  JavaScript, which on this site (no inline script under the CSP) runs only after
  the first paint, so the whole page jumped up by the list's height: Lighthouse
  measured a cumulative layout shift of 0.15 to 0.22 and 0.89 to 0.94 for
  performance on every page but one. Loading the modules from `<head>` with
  `modulepreload` did not win the race. Without the toggle every page scores
  0.97 to 1.00. On small screens the links now wrap in a row above the content,
  as they already did without JavaScript; the browser check
  (`tests/browser/test_every_page.py`) now expects the navigation shown with no
  Menu button.
- **No render-blocking script**: `site.js` is a module (deferred by the browser);
  the only render-blocking resource is the stylesheet.

## The directory against the back office list

The directory's list is the same for everyone who may see it, so it is drawn
once for each address (filters, search, sort, page) and kept in the cache
(`leaders/views/directory.py`). It is found under a version that the database
renews itself: triggers (migration `leaders/0008`) replace the `DataVersion`
row "leaders:directory" on any write to leaders, their skills, interests,
training and activities, accounts' names, emails and active flag, and the
skills, interests, modules, councils and regions. So a change reaches every
gunicorn worker on the next request even with each worker's own local-memory
cache, as here, and writes that send no signals (`update()`, bulk inserts, raw
SQL) count too. A kept list costs three queries (the session, the account, the
version) and no template work beyond the page around it; drawing it afresh
costs the same as before (`make bench` measures both).

The back office list draws every row through Django's admin on every request.
It now loads only the fields its columns show (`ScopedModelAdmin.list_only`),
builds each row's link without `reverse()`, and offers councils in its filter
one region at a time rather than all 153 (`council_filter`). Together they
took its quickest request in-process at 10,000 leaders from about 53 ms to
about 34 ms.

The p95 under 50 ms target is missed for the back office list under load here:
four connections on two cores shared with wrk queue requests behind two
workers, so p50 is well above the in-process time (BENCHMARKS.md) and p95 above
that. The anonymous pages, from the cache, stay near 1 ms.
"""


def write_section(name, text):
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    report = REPORT.read_text() if REPORT.exists() else INTRODUCTION
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in report:
        report = re.sub(
            re.escape(start) + ".*?" + re.escape(end), lambda _: block, report, flags=re.S
        )
    else:
        report = report.rstrip() + "\n\n" + block + "\n"
    REPORT.write_text(report)


if __name__ == "__main__":
    commands = {"lighthouse": run_lighthouse, "throughput": run_throughput}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python -m tests.performance.web {{{','.join(commands)}}}")
    commands[sys.argv[1]]()

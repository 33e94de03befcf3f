"""Measure every main page at more than one size of programme, in-process.

For each size it seeds the demo data with ``seed_demo --scale N``, then asks
each page through ``django.test.Client`` as the person who would use it:
once to warm up, once counting the database queries, then ``--requests``
times for the server time's median and 95th percentile. It writes the tables
to BENCHMARKS.md and flags a page whose queries grow with the data or pass
``MAX_QUERIES``, or whose 95th percentile passes ``MAX_P95_MS``.
"""

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from citizenleaders.models import User
from events.models import Event

MAX_QUERIES = 10
MAX_P95_MS = 50

NATIONAL = "coordinator@example.org"
COUNCIL_STAFF = "council.staff@example.org"
LEADER = "leader@example.org"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    as_user: str | None = None
    # Forget what the page keeps before every request, and say so: a page
    # whose figures or content are kept in the cache, as the first person
    # after they expire or change meets it.
    forget: Callable[[], None] | None = None
    forgotten: str = ""


def forget_directory_lists():
    """Renew the directory's version, which the back office's list of
    leaders follows too, as any write to a leader does."""
    from leaders.views.directory import KEPT_LISTS

    KEPT_LISTS.clear()


EVERYTHING_KEPT = "the cache emptied before each request"
DIRECTORY_KEPT = "the kept list forgotten before each request, as after any change to it"
ROWS_KEPT = "the kept rows forgotten before each request, as after any change to a leader"


def pages():
    """The main pages, each as the person who uses it. The event is a demo
    one, so it is the same page at every size."""
    from citizenleaders.views import ABOUT_PAGES

    event = Event.objects.get(slug="demo-yorkshire-regional-meeting")
    about = [Page(f"About: {title}", f"/about/{slug}/") for slug, title in ABOUT_PAGES]
    return [
        Page("Home", "/"),
        Page("About", "/about/"),
        *about,
        Page("ULO directory", "/ulos/"),
        Page("ULO coverage", "/ulos/coverage/"),
        Page("Council page (visitor)", "/authorities/E08000035/"),
        Page("Council page (national coordinator)", "/authorities/E08000035/", NATIONAL),
        Page("Events", "/events/"),
        Page("An event", event.get_absolute_url()),
        Page("Directory", "/directory/", COUNCIL_STAFF),
        Page(
            "Directory, filtered",
            "/directory/?region=E12000003&available=online&available=daytime",
            COUNCIL_STAFF,
        ),
        Page("Directory, search", "/directory/?q=patel", COUNCIL_STAFF),
        Page(
            "Directory, drawn afresh",
            "/directory/",
            COUNCIL_STAFF,
            forget=forget_directory_lists,
            forgotten=DIRECTORY_KEPT,
        ),
        Page(
            "Directory, search, drawn afresh",
            "/directory/?q=patel",
            COUNCIL_STAFF,
            forget=forget_directory_lists,
            forgotten=DIRECTORY_KEPT,
        ),
        Page("Leader: my account", "/me/", LEADER),
        Page("Leader: my activities", "/me/activities/", LEADER),
        Page("Leader: my training", "/me/training/", LEADER),
        Page("Leader: my events", "/me/events/", LEADER),
        Page("Reports", "/reports/", NATIONAL),
        Page(
            "Reports, worked out afresh",
            "/reports/",
            NATIONAL,
            forget=cache.clear,
            forgotten=EVERYTHING_KEPT,
        ),
        Page("Admin: leaders", "/admin/leaders/leader/", NATIONAL),
        Page(
            "Admin: leaders, drawn afresh",
            "/admin/leaders/leader/",
            NATIONAL,
            forget=forget_directory_lists,
            forgotten=ROWS_KEPT,
        ),
    ]


@dataclass
class Result:
    page: Page
    queries: int
    p50: float
    p95: float
    sql: list[str]


def measure(page, *, requests):
    """One page: its query count and server time in milliseconds. Staff
    accounts in the demo have two-factor set up, so ``force_login`` reaches
    staff pages; anything but 200 is an error, not a number."""
    client = Client(HTTP_HOST="localhost")
    if page.as_user:
        client.force_login(User.objects.get(email=page.as_user))
    prepare = page.forget or (lambda: None)
    prepare()
    response = client.get(page.path)
    if response.status_code != 200:
        raise CommandError(f"{page.path} as {page.as_user or 'a visitor'}: {response.status_code}")
    # With DEBUG on, the connection keeps its last 9,000 queries; a full log
    # would hide new ones from the count.
    # After prepare(), whose own queries are not the page's.
    prepare()
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        client.get(page.path)
    times = []
    for _ in range(requests):
        prepare()
        started = time.perf_counter()
        client.get(page.path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return Result(
        page,
        len(captured.captured_queries),
        statistics.median(times),
        p95,
        [query["sql"] for query in captured.captured_queries],
    )


def machine():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = f"{connection.vendor} {connection.Database.sqlite_version}"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return [
        ("Processors (nproc)", str(os.cpu_count())),
        ("Load average at the end (1, 5, 15 min)", load),
        ("Python", platform.python_version()),
        ("Django", __import__("django").get_version()),
        ("Database", database),
        ("Measured", timezone.now().strftime("%Y-%m-%d %H:%M UTC")),
    ]


def report(results_by_size, *, requests, seeded=None):
    """BENCHMARKS.md: a table per size, flags on the rows that miss a target."""
    sizes = list(results_by_size)
    smallest = {r.page: r.queries for r in results_by_size[sizes[0]]}
    lines = [
        "# Benchmarks",
        "",
        "Server time of the main pages, measured in-process with Django's test client on "
        "PostgreSQL, after `seed_demo --scale N` (N Citizen Leaders, about 10 N activities, "
        "N / 5 events, 5 N bookings and N / 10 ULOs). Each page is asked for once to warm up, "
        f"once to count its queries, then {requests} times for the median (p50) and 95th "
        "percentile (p95). No network, no gunicorn: this is the time Django and the database "
        "take.",
        "",
        f"Targets: at most {MAX_QUERIES} queries, the same at every size, and p95 under "
        f"{MAX_P95_MS} ms. ⚠ marks a row that misses one.",
        "",
        "The reports' figures are kept in the cache for five minutes, shared by everyone who "
        'may see them: "Reports" is what people meet then, and "Reports, worked out '
        'afresh" (the cache emptied before each request) what the first person after they '
        "expire meets. The directory's list is kept for each address until anything it "
        'shows changes: "Directory" is what people meet then, and "Directory, drawn afresh" '
        "what the first person after a change meets. The back office's list of leaders keeps "
        "its table of rows the same way, for each address and kind of person.",
        "",
        "Reproduce with `make bench` (uses `$DATABASE_URL` if set, otherwise "
        "`postgres://postgres@127.0.0.1:5432/citizenleaders_bench`, which it creates).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine()),
    ]
    misses = []
    for size, results in results_by_size.items():
        lines += [
            "",
            f"## N = {size:,}",
            "",
            *(
                [
                    f"`seed_demo --scale {size}` took {seeded[size]:.0f} s.",
                    "",
                ]
                if seeded and size in seeded
                else []
            ),
            "| Page | Address | Queries | p50 ms | p95 ms | |",
            "|---|---|--:|--:|--:|---|",
        ]
        for result in results:
            flags = []
            if result.queries > MAX_QUERIES:
                flags.append(f"more than {MAX_QUERIES} queries")
            if result.queries != smallest[result.page]:
                flags.append(
                    f"queries grow with the data ({smallest[result.page]} at N = {sizes[0]:,})"
                )
            if result.p95 >= MAX_P95_MS:
                flags.append(f"p95 over {MAX_P95_MS} ms")
            mark = "⚠ " + "; ".join(flags) if flags else ""
            if flags:
                misses.append(f"N = {size:,}, {result.page.name}: " + "; ".join(flags))
            notes = [f"as {result.page.as_user}"] if result.page.as_user else []
            if result.page.forgotten:
                notes.append(result.page.forgotten)
            who = f" ({', '.join(notes)})" if notes else ""
            lines.append(
                f"| {result.page.name} | `{result.page.path}`{who} | {result.queries} | "
                f"{result.p50:.1f} | {result.p95:.1f} | {mark} |"
            )
    lines += ["", "## Missed targets", ""]
    lines += [f"- {miss}" for miss in misses] or ["None."]
    return "\n".join(lines) + "\n", misses


class Command(BaseCommand):
    help = (
        "Seed the demo data at each size and measure every main page's queries and server "
        "time, writing BENCHMARKS.md. Runs only with DJANGO_DEBUG on (it seeds demo data)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default="100,10000",
            help="Numbers of leaders to seed and measure at, comma-separated (default 100,10000).",
        )
        parser.add_argument(
            "--requests",
            type=int,
            default=100,
            # The 95th percentile of 30 is the second slowest: one pause moves it.
            help="Timed requests per page.",
        )
        parser.add_argument("--output", default="BENCHMARKS.md", help="Where to write the tables.")
        parser.add_argument(
            "--show-sql", action="store_true", help="Print each page's queries, to find repeats."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "bench seeds demo accounts with a published password, so it runs only on a "
                "developer's machine. Set DJANGO_DEBUG=1 to use it."
            )
        sizes = [int(size.replace("_", "")) for size in options["sizes"].split(",")]
        results_by_size, seeded = {}, {}
        for size in sizes:
            started = time.monotonic()
            call_command("seed_demo", scale=size, stdout=self.stdout)
            seeded[size] = time.monotonic() - started
            self.stdout.write(f"Seeded N = {size:,} in {seeded[size]:.0f} s. Measuring…")
            results = []
            for page in pages():
                result = measure(page, requests=options["requests"])
                results.append(result)
                self.stdout.write(
                    f"  {page.name:<45} {result.queries:>3} queries  "
                    f"p50 {result.p50:6.1f} ms  p95 {result.p95:6.1f} ms"
                )
                if options["show_sql"]:
                    for sql in result.sql:
                        self.stdout.write(f"      {sql[:300]}")
            results_by_size[size] = results
        text, misses = report(results_by_size, requests=options["requests"], seeded=seeded)
        with open(options["output"], "w", encoding="utf-8") as output:
            output.write(text)
        self.stdout.write(f"Wrote {options['output']}; {len(misses)} rows miss a target.")

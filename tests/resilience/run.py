"""Load and faults (issue 8, ``make resilience``): run with
``python -m tests.resilience.run`` from the repository root.

Proves with numbers, on this machine's loopback only, that:

1. two app instances (gunicorn, two workers each) sharing one PostgreSQL
   keep a person logged in across them, accept a form fetched from one and
   posted to the other, and never overbook an event in a booking race across
   both;
2. PostgreSQL restarted during steady load (bookings and applications) gives
   errors only while it is down, service back within five seconds of its
   return, every acknowledged booking and application in the database
   afterwards, and no stale database connection used after the restart;
3. with the mail server unreachable, bookings and applications still succeed
   quickly, and ``manage.py send_queued_emails`` delivers each queued email
   exactly once when it is back.

Everything runs against a throwaway PostgreSQL cluster that this script
creates in a temporary folder on a free port (never the machine's shared
server), a local SMTP server (aiosmtpd) and Redis database 11 on 127.0.0.1 for
the shared cache. The instances run with DJANGO_DEBUG=1 because they serve
plain HTTP on loopback (production mode insists on HTTPS-only cookies); the
code paths under test are the same. Every loop is bounded by count and time,
and servers and the cluster are stopped and deleted in ``finally`` blocks.

Writes RESILIENCE.md at the repository root and exits 1 if any check fails.
"""

import contextlib
import email
import email.header
import http.client
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from tests.local_site import free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
CACHE_URL = os.environ.get("RESILIENCE_CACHE_URL", "redis://127.0.0.1:6379/11")
DEMO_LOGIN = ("member@example.org", "citizen-leaders-demo")
HTTP_TIMEOUT = 10  # seconds for any one request
RACE_CAPACITY = 5
RACE_PEOPLE = 24
LOAD_THREADS = 4
LOAD_SECONDS = 30
LOAD_PAUSE = 0.25  # seconds between one thread's requests
LOAD_EVENTS = 12
LOAD_PEOPLE_PER_THREAD = 10
OUTAGE_AT = 10  # seconds into the load
OUTAGE_SECONDS = 5
GRACE = 2.0  # seconds after PostgreSQL answers in which an error still counts as the outage's
BACK_WITHIN = 5.0  # seconds: the target for the first success after PostgreSQL is back
MAIL_BOOKINGS = 6
MAIL_APPLICATIONS = 2
QUICK = 3.0  # seconds: "quickly" for a request while the mail server is down

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the throwaway PostgreSQL cluster -------------------------------------------------------


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on a free loopback port."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cl-resilience-pg-")
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/resilience"

    def _run(self, *args, timeout=60):
        return subprocess.run(
            [*self.as_postgres, *map(str, args)],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def create(self):
        self._run(PG_BIN / "initdb", "-D", self.dir, "-U", "postgres", "-A", "trust")
        self.start()
        self._run(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres",
                  "resilience")  # fmt: skip

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self._run(PG_BIN / "pg_ctl", "-D", self.dir, "-l", f"{self.dir}/log", "-w", "-t", "30",
                  "-o", options, "start")  # fmt: skip

    def stop(self):
        self._run(PG_BIN / "pg_ctl", "-D", self.dir, "-m", "fast", "-w", "stop")

    def destroy(self):
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- the mail server ------------------------------------------------------------------------


class MailServer:
    """aiosmtpd on a loopback port, keeping every message it is given."""

    def __init__(self):
        self.port = free_port()
        self.received = []  # (time, recipients, subject)
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
        recipients = tuple(sorted(address.lower() for address in envelope.rcpt_tos))
        self.received.append((time.monotonic(), recipients, " ".join(subject.split())))
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's, chatty

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# --- the app instances ----------------------------------------------------------------------


class Instance:
    """``gunicorn`` with two sync workers on a loopback port."""

    def __init__(self, name, env, folder):
        self.name = name
        self.port = free_port()
        self.env = env
        self.log_path = Path(folder) / f"gunicorn-{name}.log"
        self.process = None

    def start(self):
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [GUNICORN, "citizenleaders.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--no-control-socket", "--timeout", "30",
             "--graceful-timeout", "5"],
            cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited; see {self.log_path}")
            with contextlib.suppress(OSError):
                if get(self, "/healthz").status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.name} did not answer within 30 s")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        if self.process is not None:
            self.log_file.close()


@dataclass
class Response:
    status: int
    location: str
    body: str
    seconds: float


def request(instance, method, path, *, cookies=None, data=None, origin=True) -> Response:
    """One HTTP request on a fresh connection, updating ``cookies`` in place."""
    cookies = {} if cookies is None else cookies
    headers = {"Host": f"127.0.0.1:{instance.port}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if data is not None:
        body = urlencode(data, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        if origin:
            # Behind one address (a load balancer), the page and the form's
            # target share an origin; here that is the instance posted to.
            headers["Origin"] = f"http://127.0.0.1:{instance.port}"
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=HTTP_TIMEOUT)
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        return Response(
            response.status, response.getheader("Location", ""), text, time.monotonic() - started
        )
    finally:
        connection.close()


def get(instance, path, **kwargs):
    return request(instance, "GET", path, **kwargs)


def post(instance, path, data, **kwargs):
    return request(instance, "POST", path, data=data, **kwargs)


def csrf_token(instance, path, cookies) -> str:
    page = get(instance, path, cookies=cookies)
    match = CSRF_RE.search(page.body)
    if page.status != 200 or not match:
        raise RuntimeError(f"no form at {path} on {instance.name} (HTTP {page.status})")
    return match.group(1)


BOOKING = {"bringing_assistant": "no", "access_details": "", "dietary_needs": ""}


# --- results --------------------------------------------------------------------------------


class Checks:
    def __init__(self):
        self.rows = []  # (part, check, result, passed)

    def add(self, part, check, result, passed):
        self.rows.append((part, check, str(result), bool(passed)))
        log(f"{'PASS' if passed else 'FAIL'}  {part}: {check}: {result}")

    @property
    def passed(self):
        return bool(self.rows) and all(row[3] for row in self.rows)


# --- Django, in this process, for setting up and checking the database ----------------------


def django_setup(env):
    os.environ.update(env)
    import django

    django.setup()


def close_db():
    from django.db import connections

    connections.close_all()


def make_people(prefix, count):
    """``count`` verified people who log in with a session made here (no password)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from citizenleaders.models import User

    users = User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{number}@example.org",
                full_name=f"Resilience {prefix.title()} {number}",
                password=make_password(None),
            )
            for number in range(count)
        ]
    )
    users = list(User.objects.filter(email__startswith=prefix).order_by("pk"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    return users


def session_cookies(user) -> dict:
    """A logged-in session for ``user``, stored in the shared database."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def make_event(title, capacity):
    from tests.events.factories import EventFactory

    return EventFactory(title=title, capacity=capacity)


def complete_drafts(users):
    """A complete draft application for each person: the demo applicant's answers."""
    from leaders.demo import _answers
    from leaders.models import Application, Interest
    from ulos.models import LocalAuthority

    council = LocalAuthority.objects.get(gss_code="E08000035")
    interests = list(Interest.objects.all()[:3])
    for user in users:
        application = Application(user=user)
        _answers(application, council, user.full_name)
        application.save()
        application.interests.set(interests)


# --- part 1: two instances ------------------------------------------------------------------


def part_two_instances(checks, a, b):
    from events.models import Event, Registration

    part = "1 Two instances"
    # Logged in on one, logged in on the other.
    cookies = {}
    token = csrf_token(a, "/accounts/login/", cookies)
    login = post(
        a,
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "login": DEMO_LOGIN[0], "password": DEMO_LOGIN[1]},
        cookies=cookies,
    )
    me_b = get(b, "/me/", cookies=cookies)
    anonymous_b = get(b, "/me/")
    checks.add(
        part,
        f"log in on {a.name} (login form), then /me/ on {b.name}",
        f"login {login.status}, /me/ on {b.name} {me_b.status} "
        f"(without the cookie: {anonymous_b.status})",
        login.status == 302
        and me_b.status == 200
        and DEMO_LOGIN[0] in me_b.body
        and anonymous_b.status == 302,
    )
    # A form fetched from one and posted to the other.
    event = make_event("Resilience cross-instance event", None)
    path = f"/events/{event.slug}/book/"
    token = csrf_token(a, path, cookies)
    forged = post(b, path, {**BOOKING, "csrfmiddlewaretoken": "x" * 64}, cookies=cookies)
    booked = post(b, path, {**BOOKING, "csrfmiddlewaretoken": token}, cookies=cookies)
    stored = Registration.objects.filter(
        event=event, user__email=DEMO_LOGIN[0], status=Registration.Status.CONFIRMED
    ).count()
    checks.add(
        part,
        f"booking form fetched from {a.name}, posted to {b.name}",
        f"HTTP {booked.status} to {booked.location or '-'}; {stored} booking stored "
        f"(a wrong CSRF token: HTTP {forged.status})",
        booked.status == 302
        and booked.location == event.get_absolute_url()
        and stored == 1
        and forged.status == 403,
    )
    # The race: everyone posts at once, half to each instance.
    event = make_event("Resilience booking race", RACE_CAPACITY)
    path = f"/events/{event.slug}/book/"
    people = make_people("race", RACE_PEOPLE)
    entrants = []
    for number, user in enumerate(people):
        instance = (a, b)[number % 2]
        cookies = session_cookies(user)
        entrants.append((instance, cookies, csrf_token(instance, path, cookies)))
    close_db()
    barrier = threading.Barrier(len(entrants), timeout=30)
    statuses = [None] * len(entrants)

    def book(number, instance, cookies, token):
        barrier.wait()
        try:
            statuses[number] = post(
                instance, path, {**BOOKING, "csrfmiddlewaretoken": token}, cookies=cookies
            ).status
        except OSError as error:
            statuses[number] = type(error).__name__

    started = time.monotonic()
    threads = [
        threading.Thread(target=book, args=(number, *entrant), daemon=True)
        for number, entrant in enumerate(entrants)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    seconds = time.monotonic() - started
    by_status = Counter(Registration.objects.filter(event=event).values_list("status", flat=True))
    event = Event.objects.get(pk=event.pk)
    confirmed = by_status[Registration.Status.CONFIRMED]
    waiting = by_status[Registration.Status.WAITING]
    checks.add(
        part,
        f"{RACE_PEOPLE} people book {RACE_CAPACITY} places at once, half on each instance",
        f"responses {dict(Counter(statuses))} in {seconds:.1f} s; database: {confirmed} "
        f"confirmed, {waiting} waiting, places_taken {event.places_taken}",
        statuses.count(302) == RACE_PEOPLE
        and confirmed == RACE_CAPACITY
        and waiting == RACE_PEOPLE - RACE_CAPACITY
        and event.places_taken == RACE_CAPACITY
        and sum(by_status.values()) == RACE_PEOPLE,
    )
    return {"race_seconds": seconds}


# --- part 2: PostgreSQL restarted under load ------------------------------------------------


def stale_connection_probe(cluster, instances):
    """Give every worker a kept-open database connection, restart PostgreSQL
    with no traffic, then ask again: a worker that used its old connection
    would answer 503 from /healthz."""

    def burst():
        results = []

        def one(instance):
            for _ in range(5):
                try:
                    results.append(get(instance, "/healthz").status)
                except OSError as error:
                    results.append(type(error).__name__)

        threads = [
            threading.Thread(target=one, args=(instance,), daemon=True)
            for instance in instances
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        return Counter(results)

    before = burst()
    cluster.stop()
    cluster.start()
    after = burst()
    return before, after


def part_restart(checks, cluster, a, b):
    from django.urls import reverse

    from events.models import Registration
    from leaders.models import Application

    part = "2 PostgreSQL restart"
    events = [make_event(f"Resilience steady load {number}", None) for number in range(LOAD_EVENTS)]
    people = make_people("load", LOAD_THREADS * LOAD_PEOPLE_PER_THREAD)
    complete_drafts(people)
    plans = []
    for thread_number in range(LOAD_THREADS):
        instance = (a, b)[thread_number % 2]
        mine = people[thread_number::LOAD_THREADS]
        sessions = {}
        for user in mine:
            cookies = session_cookies(user)
            token = csrf_token(instance, f"/events/{events[0].slug}/book/", cookies)
            sessions[user.pk] = (cookies, token)
        tasks, to_apply = [], list(mine)
        for event in events:
            for user in mine:
                tasks.append(("booking", user.pk, event.slug))
                if len(tasks) % 9 == 8 and to_apply:
                    tasks.append(("application", to_apply.pop(0).pk, None))
        plans.append((instance, sessions, tasks))
    close_db()

    records = []  # (start, end, kind, user, event slug, status, location)
    lock = threading.Lock()
    stop = threading.Event()
    t0 = time.monotonic()

    def load(instance, sessions, tasks):
        for kind, user, slug in tasks:
            if stop.is_set() or time.monotonic() - t0 > LOAD_SECONDS:
                return
            cookies, token = sessions[user]
            if kind == "booking":
                path, data = f"/events/{slug}/book/", {**BOOKING}
            else:
                path, data = "/apply/send/", {}
            started = time.monotonic()
            try:
                response = post(
                    instance, path, {**data, "csrfmiddlewaretoken": token}, cookies=dict(cookies)
                )
                status, location = response.status, response.location
            except OSError as error:
                status, location = type(error).__name__, ""
            with lock:
                records.append((started, time.monotonic(), kind, user, slug, status, location))
            time.sleep(LOAD_PAUSE)

    threads = [threading.Thread(target=load, args=plan, daemon=True) for plan in plans]
    for thread in threads:
        thread.start()
    try:
        time.sleep(OUTAGE_AT)
        stopping = time.monotonic()
        cluster.stop()
        down = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        starting = time.monotonic()
        cluster.start()
        back = time.monotonic()
    finally:
        for thread in threads:
            thread.join(LOAD_SECONDS + HTTP_TIMEOUT + 5)
        stop.set()
    log(
        f"load: {len(records)} requests; PostgreSQL stopped at {stopping - t0:.1f} s "
        f"(down at {down - t0:.1f} s), started at {starting - t0:.1f} s, "
        f"answering at {back - t0:.1f} s"
    )

    def ok(record):
        kind, status, location = record[2], record[5], record[6]
        if kind == "booking":
            return status == 302 and location == f"/events/{record[4]}/"
        return status == 302 and location == reverse("apply:confirmation")

    failures = [r for r in records if not ok(r)]
    # A request counts as the outage's if it was in flight at any moment
    # between the stop and GRACE seconds after PostgreSQL answered again.
    outside = [r for r in failures if not (r[1] >= stopping and r[0] <= back + GRACE)]
    during = [r for r in records if stopping <= r[0] <= back]
    first_success = min((r[1] for r in records if ok(r) and r[0] >= back), default=None)
    after = [r for r in records if r[0] > back + GRACE]
    checks.add(
        part,
        "steady load across both instances",
        f"{len(records)} requests in {LOAD_SECONDS} s by {LOAD_THREADS} threads "
        f"({Counter(r[2] for r in records)['booking']} bookings, "
        f"{Counter(r[2] for r in records)['application']} applications); "
        f"{len(records) - len(failures)} succeeded, {len(failures)} failed; "
        f"{len(during)} sent while PostgreSQL was down, {len(after)} after it was back",
        len(during) > 0 and len(after) > 0,
    )
    span = (
        f"requests from +{min(r[0] for r in failures) - t0:.1f} s to "
        f"+{max(r[1] for r in failures) - t0:.1f} s"
        if failures
        else "none"
    )
    checks.add(
        part,
        f"errors only while PostgreSQL was down (plus {GRACE:.0f} s)",
        f"stopped at +{stopping - t0:.1f} s, answering again at +{back - t0:.1f} s; "
        f"{len(failures) - len(outside)} failures during the outage "
        f"({dict(Counter(r[5] for r in failures))}; {span}), {len(outside)} outside it",
        not outside and len(failures) > 0,
    )
    back_after = None if first_success is None else first_success - back
    checks.add(
        part,
        f"first success within {BACK_WITHIN:.0f} s of PostgreSQL answering again",
        "none" if back_after is None else f"{back_after:.2f} s",
        back_after is not None and back_after <= BACK_WITHIN,
    )
    close_db()
    acknowledged = [r for r in records if ok(r)]
    missing = []
    for record in acknowledged:
        if record[2] == "booking":
            found = (
                Registration.objects.active()
                .filter(user_id=record[3], event__slug=record[4])
                .exists()
            )
        else:
            found = Application.objects.filter(
                user_id=record[3], status=Application.Status.SUBMITTED
            ).exists()
        if not found:
            missing.append(record)
    count = Counter(r[2] for r in acknowledged)
    checks.add(
        part,
        "every acknowledged booking and application is in the database",
        f"{count['booking']} bookings and {count['application']} applications acknowledged, "
        f"{len(missing)} missing",
        not missing and count["booking"] > 0 and count["application"] > 0,
    )
    before, after_probe = stale_connection_probe(cluster, (a, b))
    close_db()
    checks.add(
        part,
        "no stale connection used after a restart with no traffic (/healthz)",
        f"before the restart {dict(before)}, after it {dict(after_probe)}",
        set(before) == {200} and set(after_probe) == {200},
    )
    return {
        "requests": len(records),
        "outage": back - stopping,
        "back_after": back_after,
    }


# --- part 3: the mail server unreachable ----------------------------------------------------


def part_mail(checks, mail, env, a, b):
    from django.urls import reverse
    from django.utils import timezone

    from citizenleaders.models import OutboundEmail

    part = "3 Mail server down"
    event = make_event("Resilience mail outage", None)
    people = make_people("mail", MAIL_BOOKINGS + MAIL_APPLICATIONS)
    appliers = people[MAIL_BOOKINGS:]
    complete_drafts(appliers)
    path = f"/events/{event.slug}/book/"
    plans = []
    for number, user in enumerate(people):
        instance = (a, b)[number % 2]
        cookies = session_cookies(user)
        plans.append((instance, user, cookies, csrf_token(instance, path, cookies)))
    marker = OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    close_db()

    mail.stop()
    results = []
    for number, (instance, _user, cookies, token) in enumerate(plans):
        booking = number < MAIL_BOOKINGS
        target = path if booking else "/apply/send/"
        expected = event.get_absolute_url() if booking else reverse("apply:confirmation")
        data = {**BOOKING} if booking else {}
        response = post(instance, target, {**data, "csrfmiddlewaretoken": token}, cookies=cookies)
        results.append((booking, response.status == 302 and response.location == expected,
                        response.seconds))  # fmt: skip
    slowest = max(seconds for _, _, seconds in results)
    succeeded = sum(1 for _, success, _ in results if success)
    new = OutboundEmail.objects.filter(pk__gt=marker)
    statuses = Counter(new.values_list("status", flat=True))
    checks.add(
        part,
        f"{MAIL_BOOKINGS} bookings and {MAIL_APPLICATIONS} applications with SMTP stopped",
        f"{succeeded} of {len(results)} succeeded, slowest {slowest:.2f} s; outbox: "
        f"{new.count()} new emails {dict(statuses)}",
        succeeded == len(results)
        and slowest <= QUICK
        and new.count() >= len(results)
        and statuses[OutboundEmail.Status.SENT] == 0,
    )

    mail.start()
    restarted = time.monotonic()
    # A failed email waits 5 minutes before its next try; let that wait
    # pass (as cron would, five minutes later) rather than sleep through it.
    now = timezone.now()
    waited = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.FAILED, next_attempt_at__gt=now
    ).update(next_attempt_at=now)
    unsent = list(OutboundEmail.objects.due())
    expected = Counter(
        (
            tuple(sorted(a.lower() for a in [*e.recipients, *e.cc, *e.bcc])),
            " ".join(e.subject.split()),
        )
        for e in unsent
    )
    close_db()
    command = subprocess.run(
        [PYTHON, "manage.py", "send_queued_emails"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    log(f"send_queued_emails: {command.stdout.strip()} {command.stderr.strip()}")
    received = Counter((r, s) for at, r, s in mail.received if at >= restarted)
    still_unsent = OutboundEmail.objects.filter(pk__in=[e.pk for e in unsent]).exclude(
        status=OutboundEmail.Status.SENT
    )
    new_unsent = new.exclude(status=OutboundEmail.Status.SENT).count()
    checks.add(
        part,
        "send_queued_emails once the mail server is back",
        f"{len(unsent)} emails waiting ({waited} failed ones moved to now), "
        f"{sum(received.values())} received, {max(received.values(), default=0)} the most "
        f"copies of one, {still_unsent.count()} outbox rows not sent",
        command.returncode == 0
        and received == expected
        and still_unsent.count() == 0
        and new_unsent == 0
        and {e.pk for e in new} <= {e.pk for e in unsent},
    )
    return {"slowest": slowest}


# --- the report -----------------------------------------------------------------------------


def write_report(checks, started_at, seconds, notes):
    lines = [
        "# Resilience: load and faults",
        "",
        "Issue 8, \u201cLoad and faults\u201d. Reproduce with `make resilience` "
        "(or `.venv/bin/python -m tests.resilience.run`); it rewrites this file.",
        "",
        f"Last run: {started_at:%Y-%m-%d %H:%M} UTC, {seconds:.0f} s in total, "
        f"{'every check passed' if checks.passed else 'SOME CHECKS FAILED'}.",
        "",
        "| Part | Check | Result | Pass |",
        "| --- | --- | --- | --- |",
    ]
    for part, check, result, passed in checks.rows:
        lines.append(f"| {part} | {check} | {result} | {'yes' if passed else '**no**'} |")
    lines += ["", "## How it runs", ""]
    lines += [f"- {note}" for note in notes]
    (ROOT / "RESILIENCE.md").write_text("\n".join(lines) + "\n")


def main() -> int:
    started_at = datetime.now(UTC)
    started = time.monotonic()
    checks = Checks()
    folder = tempfile.mkdtemp(prefix="cl-resilience-")
    cluster = Cluster()
    mail = MailServer()
    instances = []
    notes = [
        "Everything is on 127.0.0.1: a throwaway PostgreSQL 15 cluster created by the script "
        "(initdb in a temporary folder, a free port, fsync off), deleted at the end; "
        f"Redis database {CACHE_URL.rsplit('/', 1)[-1]} as the shared cache (rate limits); "
        "a local SMTP server (aiosmtpd).",
        "Two gunicorn instances, two sync workers each, `--no-control-socket`, on free ports. "
        "They run with DJANGO_DEBUG=1 because they serve plain HTTP on loopback (production "
        "mode insists on HTTPS-only cookies and redirects); the code under test is the same. "
        "They share one DJANGO_SECRET_KEY, as real instances must.",
        "Part 1: one person logs in through the real login form (the demo member); the race's "
        f"{RACE_PEOPLE} people get sessions made with `django.test.Client.force_login` in the "
        "shared database (allauth limits logins per IP address), fetch the booking form, then post "
        "it at the same moment (threads behind a barrier), alternating between the instances.",
        f"Part 2: {LOAD_THREADS} threads, two per instance, each post a booking (events with no "
        f"capacity limit) or send a complete draft application (the demo applicant's answers) "
        f"every {LOAD_PAUSE} s for {LOAD_SECONDS} s; after {OUTAGE_AT} s PostgreSQL is stopped "
        f"(`pg_ctl -m fast stop`) for {OUTAGE_SECONDS} s and started again. An error counts as "
        f"the outage's if its request started between the stop and {GRACE:.0f} s after "
        "PostgreSQL answered again (or was in flight at the stop). A success is the 302 to the "
        "event or to the application's confirmation page. Then every worker is given a "
        "kept-open connection (CONN_MAX_AGE), PostgreSQL is restarted with no traffic, and "
        "/healthz must still answer 200 everywhere (CONN_HEALTH_CHECKS drops the dead "
        "connections). This check does catch the fault: run once with CONN_HEALTH_CHECKS "
        "turned off, it failed with four 503s after the restart, one for each worker; the "
        "steady load alone would not notice, as every worker meets an error during the "
        "outage and closes its connection anyway.",
        "Part 3: the SMTP server is stopped; bookings and applications must answer their 302 "
        f"within {QUICK:.0f} s (the outbox records each email and sends it after the commit; a "
        "refused connection pauses sending in that worker). The SMTP server is started again, "
        "failed emails' five-minute wait is moved to now (instead of waiting for it), and "
        "`manage.py send_queued_emails` must deliver every waiting email exactly once and "
        "mark it sent.",
    ]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "citizenleaders.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": cluster.url,
        "CACHE_URL": CACHE_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{mail.port}",
        "PYTHONUNBUFFERED": "1",
    }
    try:
        log(f"PostgreSQL: throwaway cluster in {cluster.dir} on port {cluster.port}")
        cluster.create()
        for arguments in (["migrate", "--noinput"], ["seed_demo"]):
            subprocess.run(
                [PYTHON, "manage.py", *arguments],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                timeout=300,
            )
        django_setup(env)
        mail.start()
        instances = [Instance("A", env, folder), Instance("B", env, folder)]
        for instance in instances:
            instance.start()
        a, b = instances
        log(f"instances: A on {a.port}, B on {b.port}; SMTP on {mail.port}")
        part_two_instances(checks, a, b)
        part_restart(checks, cluster, a, b)
        part_mail(checks, mail, env, a, b)
    except Exception as error:  # noqa: BLE001 - reported as a failed check, then cleaned up
        checks.add("setup", "the run finished", f"{type(error).__name__}: {error}", False)
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            close_db()
        for instance in instances:
            with contextlib.suppress(Exception):
                instance.stop()
        with contextlib.suppress(Exception):
            mail.stop()
        cluster.destroy()
        if checks.passed:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            log(f"gunicorn logs kept in {folder}")
    seconds = time.monotonic() - started
    write_report(checks, started_at, seconds, notes)
    print()
    width = max(len(row[1]) for row in checks.rows)
    for part, check, result, passed in checks.rows:
        print(f"{'PASS' if passed else 'FAIL'}  {part:<22} {check:<{width}}  {result}")
    print(f"\n{'All checks passed' if checks.passed else 'Some checks FAILED'} in {seconds:.0f} s")
    return 0 if checks.passed else 1


if __name__ == "__main__":
    sys.exit(main())

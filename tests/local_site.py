"""The portal run on this machine for the scripts that measure and attack it
(``tests/security``, ``tests/performance``, ``tests/resilience``): free
loopback ports, ``manage.py`` in a given environment, a logged-in session
cookie, and gunicorn serving the site until the block ends."""

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_manage(env, *args, capture=False):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )


def session_cookie(env, email) -> str:
    """A logged-in session for ``email``, made directly (logging in through
    the form, with its two-factor step, is tested elsewhere)."""
    code = (
        "from django.test import Client;"
        "from citizenleaders.models import User;"
        "c=Client();"
        f"c.force_login(User.objects.get(email={email!r}));"
        "print(c.cookies['sessionid'].value)"
    )
    # The last line: Django's shell may first say what it imported.
    return run_manage(env, "shell", "-c", code, capture=True).stdout.strip().splitlines()[-1]


def wait_for(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"The site did not start at {url}")


@contextmanager
def gunicorn(env, log_path):
    """The site on a free port of 127.0.0.1 with two workers; yields its address."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "a") as log:
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "citizenleaders.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--no-control-socket", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )  # fmt: skip
        try:
            wait_for(url)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)

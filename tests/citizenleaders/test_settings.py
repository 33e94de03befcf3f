"""Production mode: refuses to start without secrets, and passes Django's
deployment checklist with no warnings."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k7#Vq2$wR9!mZp4@Lx8&Tn3*Hb6^Jc1%Ys5(Fd0)Gu2-Ne7+Wa9=Qo4"


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_in_production_mode():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="citizenleaders.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_ALLOWED_HOSTS="citizenleaders.example.org")

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = manage(
        "check", DJANGO_SECRET_KEY="secret", DJANGO_ALLOWED_HOSTS="citizenleaders.example.org"
    )

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DJANGO_SECRET_KEY=GOOD_KEY)

    assert result.returncode != 0
    assert "Set DJANGO_ALLOWED_HOSTS" in result.stderr

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_unavailable_when_the_database_does_not_answer(tmp_path):
    """A real unreachable database: SQLite in a folder that does not exist."""
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "citizenleaders.settings",
            "DJANGO_DEBUG": "1",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": f"sqlite:///{tmp_path}/missing/folder/db.sqlite3",
        },
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == "503 database unavailable"

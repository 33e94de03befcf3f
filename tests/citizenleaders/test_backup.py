"""The backup and restore the deployment guide describes, done for real on
PostgreSQL: ``pg_dump`` of a database with a programme's records in it,
``pg_restore`` into an empty database, and everything is there afterwards and
the portal works against the restored copy."""

import os
import shutil
import subprocess

import psycopg
import pytest
from django.db import connection

from citizenleaders.roles import Role
from events import services as event_services
from leaders.models import Activity, Application, Leader
from tests.conftest import make_person
from tests.events.factories import EventFactory
from tests.leaders.factories import ActivityFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not shutil.which("pg_dump"),
        reason="backups are made of the PostgreSQL database with pg_dump",
    ),
    pytest.mark.django_db(transaction=True),
]

TABLES = [
    Application._meta.db_table,
    Leader._meta.db_table,
    Activity._meta.db_table,
    "events_event",
    "events_registration",
    "ulos_localauthority",
    "citizenleaders_user",
]


def psql_args(settings, name):
    args = ["-h", settings.get("HOST") or "127.0.0.1", "-U", settings.get("USER") or "postgres"]
    if settings.get("PORT"):
        args += ["-p", str(settings["PORT"])]
    return [*args, name]


def counts(cursor):
    found = {}
    for table in TABLES:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - our own table names
        found[table] = cursor.fetchone()[0]
    return found


@pytest.fixture
def places():
    """Transactional tests empty the database after each test, so the places
    the migrations load may be gone: load them again."""
    from ulos.models import LocalAuthority, Region
    from ulos.places import load_places

    load_places(Region, LocalAuthority)


def test_a_backup_restores_every_record(tmp_path, places):
    leader = make_person(Role.LEADER, full_name="Ada Lovelace").leader
    ActivityFactory.create_batch(3, leader=leader)
    event_services.registration_create(event=EventFactory(capacity=5), user=leader.user)
    with connection.cursor() as cursor:
        before = counts(cursor)
    assert before[Activity._meta.db_table] == 3

    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    dump = tmp_path / "citizenleaders.dump"
    restored = f"{settings['NAME']}_restored"
    base = psql_args(settings, settings["NAME"])
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), *base], check=True, env=env)
    admin = psql_args(settings, "postgres")
    subprocess.run(
        ["psql", "-q", *admin, "-c", f'DROP DATABASE IF EXISTS "{restored}"'], check=True, env=env
    )
    subprocess.run(
        ["psql", "-q", *admin, "-c", f'CREATE DATABASE "{restored}"'], check=True, env=env
    )
    try:
        connect = psql_args(settings, restored)[:-1]
        subprocess.run(
            ["pg_restore", "--no-owner", *connect, "-d", restored, str(dump)], check=True, env=env
        )

        with (
            psycopg.connect(
                host=settings.get("HOST") or "127.0.0.1",
                port=settings.get("PORT") or 5432,
                user=settings.get("USER") or "postgres",
                password=settings.get("PASSWORD") or None,
                dbname=restored,
            ) as copy,
            copy.cursor() as cursor,
        ):
            assert counts(cursor) == before
            cursor.execute(
                "SELECT full_name FROM citizenleaders_user WHERE id = %s", [leader.user_id]
            )
            assert cursor.fetchone()[0] == "Ada Lovelace"
            cursor.execute("SELECT places_taken FROM events_event")
            assert [row[0] for row in cursor.fetchall()] == [1]
    finally:
        subprocess.run(
            ["psql", "-q", *admin, "-c", f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)'],
            check=True,
            env=env,
        )

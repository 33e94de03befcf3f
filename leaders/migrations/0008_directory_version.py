"""Triggers that renew the directory's versions (``DataVersion`` rows) on
any write to what they depend on, so every app instance stops using what it
keeps at once:

- "leaders:directory", each address's list of leaders
  (``leaders.views.directory``): what a page of the directory shows or filters
  on;
- "leaders:directory-choices", the lists to choose from (``leaders.choices``).

Triggers, not signals, so that ``QuerySet.update()``, bulk inserts and raw SQL
renew them too. On PostgreSQL one trigger per table and version, once per
statement; on SQLite, which has only row triggers, one per table, version and
kind of write."""

import uuid

from django.conf import settings
from django.db import migrations

LISTS = "leaders:directory"
CHOICES = "leaders:directory-choices"
# (app label, model, the columns whose update matters (None for all), the
# versions a write renews).
WATCHED = [
    ("leaders", "Leader", None, [LISTS]),
    ("leaders", "Leader_skills", None, [LISTS]),
    ("leaders", "Leader_interests", None, [LISTS]),
    ("leaders", "TrainingRecord", None, [LISTS]),
    ("leaders", "Activity", None, [LISTS]),
    # Inserting an account changes no leader; logging in (last_login) neither.
    (*settings.AUTH_USER_MODEL.split("."), ["full_name", "email", "is_active"], [LISTS]),
    # The lists to choose from are part of each page of the directory too.
    ("leaders", "Skill", None, [LISTS, CHOICES]),
    ("leaders", "Interest", None, [LISTS, CHOICES]),
    ("leaders", "Module", None, [LISTS, CHOICES]),
    ("ulos", "LocalAuthority", None, [LISTS, CHOICES]),
    ("ulos", "Region", None, [LISTS, CHOICES]),
]


def sqlite_renew(version):
    return (
        "INSERT INTO citizenleaders_dataversion (name, version) "
        f"VALUES ('{version}', lower(hex(randomblob(16)))) "
        "ON CONFLICT (name) DO UPDATE SET version = excluded.version;"
    )


def triggers(apps):
    """(table, columns, version, trigger name) for every trigger."""
    for app_label, model_name, columns, versions in WATCHED:
        table = apps.get_model(app_label, model_name)._meta.db_table
        for version in versions:
            name = f"{table}_{version.split(':')[1].replace('-', '_')}_version"
            yield table, columns, version, name


def create_triggers(apps, schema_editor):
    for version in (LISTS, CHOICES):
        apps.get_model("citizenleaders", "DataVersion").objects.update_or_create(
            name=version, defaults={"version": uuid.uuid4().hex}
        )
    vendor = schema_editor.connection.vendor
    for table, columns, version, name in triggers(apps):
        if vendor == "postgresql":
            events = (
                f"UPDATE OF {', '.join(columns)} OR DELETE"
                if columns
                else "INSERT OR UPDATE OR DELETE OR TRUNCATE"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER {events} ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION citizenleaders_renew_version('{version}')"
            )
        elif vendor == "sqlite":
            events = {
                "insert": "INSERT",
                "update": f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE",
                "delete": "DELETE",
            }
            if columns:
                del events["insert"]
            for event, when in events.items():
                schema_editor.execute(
                    f"CREATE TRIGGER {name}_{event} AFTER {when} ON {table} "
                    f"BEGIN {sqlite_renew(version)} END"
                )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, _columns, _version, name in triggers(apps):
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        elif vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("citizenleaders", "0005_data_version"),
        ("leaders", "0007_directory_names"),
        ("ulos", "0005_audit_history"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]

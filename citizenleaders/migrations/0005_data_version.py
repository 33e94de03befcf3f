"""Versions that the database renews when tables change (``DataVersion``),
and on PostgreSQL the trigger function that renews one: apps' migrations
attach it to their tables (see ``leaders/migrations/0008``)."""

from django.db import migrations, models

RENEW_FUNCTION = """
CREATE OR REPLACE FUNCTION citizenleaders_renew_version() RETURNS trigger AS $$
BEGIN
    INSERT INTO citizenleaders_dataversion (name, version)
    VALUES (TG_ARGV[0], gen_random_uuid()::text)
    ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RENEW_FUNCTION)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS citizenleaders_renew_version()")


class Migration(migrations.Migration):
    dependencies = [
        ("citizenleaders", "0004_user_name_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("name", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("version", models.CharField(max_length=64)),
            ],
        ),
        migrations.RunPython(create_function, drop_function),
    ]

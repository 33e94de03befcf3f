"""Copies of each leader's names for the directory, and the indexes that let
it sort and search tens of thousands of leaders without joining every
account: a partial index for the directory's order and, on PostgreSQL, a
full-text index over the names and the bio."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Lower, NullIf

SEARCH_INDEX = "leader_search"


def search_index():
    # The same expression as leaders.filters.search_document(), or
    # PostgreSQL will not use the index (tests/leaders/test_directory_scale.py
    # checks that it does).
    return GinIndex(
        SearchVector("search_names", config="simple") + SearchVector("bio", config="english"),
        name=SEARCH_INDEX,
    )


def fill_names(apps, schema_editor):
    Leader = apps.get_model("leaders", "Leader")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    full_name = Subquery(User.objects.filter(pk=OuterRef("user_id")).values("full_name")[:1])
    Leader.objects.update(
        sort_name=Lower(Coalesce(NullIf("preferred_name", Value("")), full_name)),
        search_names=Concat(full_name, Value(" "), "preferred_name"),
    )


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("leaders", "Leader"), search_index())


def remove_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("leaders", "Leader"), search_index())


class Migration(migrations.Migration):
    dependencies = [
        ("leaders", "0006_audit_history"),
        ("ulos", "0005_audit_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="leader",
            name="search_names",
            field=models.CharField(blank=True, editable=False, max_length=301),
        ),
        migrations.AddField(
            model_name="leader",
            name="sort_name",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddIndex(
            model_name="leader",
            index=models.Index(
                condition=models.Q(("in_directory", True), ("status", "active")),
                fields=["sort_name", "id"],
                name="leader_directory_order",
            ),
        ),
        migrations.RunPython(fill_names, migrations.RunPython.noop),
        migrations.RunPython(add_search_index, remove_search_index),
    ]

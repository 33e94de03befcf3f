"""Seed the services ULOs offer and the criteria they are assessed against."""

from django.db import migrations

from ulos.reference_data import load_services_and_criteria


def add_services_and_criteria(apps, schema_editor):
    load_services_and_criteria(
        apps.get_model("ulos", "Service"), apps.get_model("ulos", "Criterion")
    )


class Migration(migrations.Migration):
    dependencies = [("ulos", "0003_councils_ulos_criteria_funding")]

    operations = [migrations.RunPython(add_services_and_criteria, migrations.RunPython.noop)]

"""Seed what leaders can choose from and the training curriculum."""

from django.db import migrations

from leaders.reference_data import load_choices_and_curriculum


def load(apps, schema_editor):
    load_choices_and_curriculum(
        apps.get_model("leaders", "Interest"),
        apps.get_model("leaders", "Skill"),
        apps.get_model("leaders", "Module"),
    )


class Migration(migrations.Migration):
    dependencies = [("leaders", "0002_application_answers_training_activities_stories")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Load the 9 English regions and the 153 councils with adult social services
responsibilities from the ONS list shipped in ``ulos/data/``.

Source: Office for National Statistics licensed under the Open Government
Licence v.3.0 (attribution on the site's data page)."""

from django.db import migrations

from ulos.places import load_places


def load(apps, schema_editor):
    load_places(apps.get_model("ulos", "Region"), apps.get_model("ulos", "LocalAuthority"))


class Migration(migrations.Migration):
    dependencies = [("ulos", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

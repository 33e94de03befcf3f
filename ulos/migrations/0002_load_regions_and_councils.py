"""Load the 9 English regions and the 153 councils with adult social services
responsibilities from the ONS list shipped in ``ulos/data/``.

Source: Office for National Statistics licensed under the Open Government
Licence v.3.0 (attribution on the site's data page)."""

import csv
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "english_social_care_authorities.csv"


def load(apps, schema_editor):
    Region = apps.get_model("ulos", "Region")
    LocalAuthority = apps.get_model("ulos", "LocalAuthority")
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    regions = {}
    for row in rows:
        code = row["region_gss_code"]
        if code not in regions:
            regions[code], _ = Region.objects.update_or_create(
                gss_code=code, defaults={"name": row["region_name"]}
            )
    for row in rows:
        LocalAuthority.objects.update_or_create(
            gss_code=row["gss_code"],
            defaults={
                "name": row["name"],
                "authority_type": row["authority_type"],
                "region": regions[row["region_gss_code"]],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("ulos", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Load the ONS list of regions and councils (``ulos/data/``).

Used by the data migration, with its historical models, and by tests that
run after a database flush. Loading again updates names and regions and
creates nothing twice.

The historical models of a migration send no signals the site listens to,
and the first load is a bulk insert, so it forgets the coverage figures
itself."""

import csv
from pathlib import Path

from ulos.selectors import coverage_cache_clear

DATA_FILE = Path(__file__).resolve().parent / "data" / "english_social_care_authorities.csv"


def load_places(region_model, local_authority_model):
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not region_model.objects.exists() and not local_authority_model.objects.exists():
        _load_into_empty_tables(rows, region_model, local_authority_model)
    else:
        _update_or_create(rows, region_model, local_authority_model)
    coverage_cache_clear()


def _update_or_create(rows, region_model, local_authority_model):
    regions = {}
    for row in rows:
        code = row["region_gss_code"]
        if code not in regions:
            regions[code], _ = region_model.objects.update_or_create(
                gss_code=code, defaults={"name": row["region_name"]}
            )
    for row in rows:
        local_authority_model.objects.update_or_create(
            gss_code=row["gss_code"],
            defaults={
                "name": row["name"],
                "authority_type": row["authority_type"],
                "region": regions[row["region_gss_code"]],
            },
        )


def _load_into_empty_tables(rows, region_model, local_authority_model):
    names = {row["region_gss_code"]: row["region_name"] for row in rows}
    region_model.objects.bulk_create(
        region_model(gss_code=code, name=name) for code, name in names.items()
    )
    regions = {region.gss_code: region for region in region_model.objects.all()}
    local_authority_model.objects.bulk_create(
        local_authority_model(
            gss_code=row["gss_code"],
            name=row["name"],
            authority_type=row["authority_type"],
            region=regions[row["region_gss_code"]],
        )
        for row in rows
    )

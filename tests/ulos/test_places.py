"""The regions and councils loaded from the ONS list."""

from collections import Counter

import pytest

from ulos.models import LocalAuthority, Region

pytestmark = pytest.mark.django_db


def test_all_153_councils_and_9_regions_are_loaded():
    assert Region.objects.count() == 9
    assert LocalAuthority.objects.count() == 153


def test_councils_per_region_match_the_ons_list():
    counts = Counter(LocalAuthority.objects.values_list("region__name", flat=True))

    assert counts == {
        "North East": 12,
        "North West": 24,
        "Yorkshire and The Humber": 15,
        "East Midlands": 10,
        "West Midlands": 14,
        "East of England": 11,
        "London": 33,
        "South East": 19,
        "South West": 15,
    }


def test_recoded_councils_carry_their_current_codes():
    assert LocalAuthority.objects.get(gss_code="E08000038").name == "Barnsley"
    assert LocalAuthority.objects.get(gss_code="E08000039").name == "Sheffield"
    assert not LocalAuthority.objects.filter(gss_code__in=["E08000016", "E08000019"]).exists()


def test_loading_the_list_again_creates_nothing_twice():
    from ulos.places import load_places

    load_places(Region, LocalAuthority)

    assert LocalAuthority.objects.count() == 153
    assert Region.objects.count() == 9

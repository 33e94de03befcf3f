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


def test_the_services_and_criteria_the_programme_started_with_are_loaded():
    from ulos.models import Criterion, Service

    assert Service.objects.count() == 8
    assert "Support with direct payments and personal budgets" in set(
        Service.objects.values_list("name", flat=True)
    )
    committee = Criterion.objects.get(title__startswith="At least 75%")
    assert (committee.is_essential, committee.committee_share_met) == (True, 75)
    assert committee.committee_share_partly_met == 50
    assert Criterion.objects.count() == 10


def test_an_ended_council_keeps_its_record_and_names_its_successors():
    import datetime

    old = LocalAuthority.objects.get(gss_code="E10000030")  # Surrey
    successor = LocalAuthority.objects.create(
        gss_code="E06000099", name="East Surrey", authority_type="unitary", region=old.region
    )
    old.ended_on = datetime.date(2027, 4, 1)
    old.save()
    old.successors.add(successor)

    assert successor.predecessors.get() == old
    assert LocalAuthority.objects.filter(gss_code="E10000030").exists()
    with freeze_today(datetime.date(2027, 4, 1)):
        assert old not in LocalAuthority.objects.current()
        assert old.has_ended
    with freeze_today(datetime.date(2027, 3, 31)):
        assert old in LocalAuthority.objects.current()


def freeze_today(day):
    """Make ``timezone.localdate()`` answer ``day``."""
    from unittest import mock

    return mock.patch("django.utils.timezone.localdate", return_value=day)

"""Coverage of England's council areas by ULOs, against a known data set,
and kept in the cache only until something it is worked out from changes."""

import datetime
from unittest import mock

import pytest
from django.test import override_settings

from tests.leaders.factories import council
from tests.ulos.factories import UloFactory, meet_all_criteria
from ulos.models import Assessment, Criterion, LocalAuthority, Region, Stage, Ulo, UloStrategy
from ulos.selectors import coverage, coverage_cache_clear

pytestmark = pytest.mark.django_db

LEEDS, BRADFORD, WAKEFIELD, DONCASTER = "E08000035", "E08000032", "E08000036", "E08000017"
CAMDEN = "E09000007"


@pytest.fixture
def known_data():
    """Yorkshire: Leeds has an emerging and a networked ULO (the networked one
    meets the criteria); Bradford and Wakefield share an established ULO that
    does not. Doncaster has adopted a strategy, Barnsley is developing one.
    London: Camden has an emerging ULO. An unpublished ULO in Sheffield counts
    for nothing."""
    UloFactory(stage=Stage.EMERGING, councils=[council(LEEDS)])
    networked = UloFactory(stage=Stage.NETWORKED, councils=[council(LEEDS)])
    meet_all_criteria(networked)
    UloFactory(stage=Stage.ESTABLISHED, councils=[council(BRADFORD), council(WAKEFIELD)])
    UloFactory(stage=Stage.EMERGING, councils=[council(CAMDEN)])
    hidden = UloFactory(stage=Stage.NETWORKED, is_published=False, councils=[council("E08000039")])
    meet_all_criteria(hidden)
    LocalAuthority.objects.filter(gss_code=DONCASTER).update(ulo_strategy=UloStrategy.ADOPTED)
    LocalAuthority.objects.filter(gss_code="E08000038").update(
        ulo_strategy=UloStrategy.IN_DEVELOPMENT
    )


def test_england_counts_areas_with_a_ulo_meeting_the_criteria_and_strategies(known_data):
    england = coverage().england

    assert england.area_count == 153
    assert england.with_ulo == 4  # Leeds, Bradford, Wakefield, Camden
    assert england.meeting_criteria == 1  # Leeds
    assert england.without_ulo == 149
    assert (england.strategy_adopted, england.strategy_in_development) == (1, 1)
    assert england.no_strategy == 147
    assert england.with_ulo_percent == 3


def test_each_region_counts_only_its_own_areas(known_data):
    regions = {summary.name: summary for summary in coverage().regions}

    yorkshire = regions["Yorkshire and The Humber"]
    assert (yorkshire.area_count, yorkshire.with_ulo, yorkshire.meeting_criteria) == (15, 3, 1)
    assert (yorkshire.strategy_adopted, yorkshire.strategy_in_development) == (1, 1)
    assert (regions["London"].with_ulo, regions["London"].meeting_criteria) == (1, 0)
    assert regions["North East"].with_ulo == 0
    assert sum(summary.area_count for summary in regions.values()) == 153


def test_an_area_is_shown_by_its_most_developed_ulo(known_data):
    areas = {area.council.gss_code: area for area in coverage().areas}

    assert areas[LEEDS].category == Stage.NETWORKED
    assert areas[LEEDS].ulo_count == 2
    assert areas[BRADFORD].category == Stage.ESTABLISHED
    assert areas["E08000039"].category == "none"  # its only ULO is unpublished
    assert areas[DONCASTER].strategy_label == "Strategy adopted"
    assert areas[LEEDS].strategy is None  # a strategy is only asked of areas with no ULO


def test_an_area_with_a_ulo_does_not_count_its_strategy(known_data):
    LocalAuthority.objects.filter(gss_code=LEEDS).update(ulo_strategy=UloStrategy.ADOPTED)

    assert coverage().england.strategy_adopted == 1  # still only Doncaster


def test_coverage_takes_the_same_queries_however_many_ulos(django_assert_num_queries):
    UloFactory(councils=[council(LEEDS)])
    with django_assert_num_queries(2):
        coverage()
    for gss_code in LocalAuthority.objects.values_list("gss_code", flat=True)[:40]:
        meet_all_criteria(UloFactory(councils=[council(gss_code), council(LEEDS)]))
    with django_assert_num_queries(2):
        coverage()


# Kept in the cache, and forgotten when anything it is worked out from changes.


def area(gss_code):
    return next(area for area in coverage().areas if area.council.gss_code == gss_code)


def figures(result):
    """Everything coverage says, as plain values to compare."""
    return (
        [(a.council.gss_code, a.ulo_count, a.best_stage, a.meets_criteria) for a in result.areas],
        [(s.name, s.area_count, s.with_ulo, s.meeting_criteria) for s in result.regions],
    )


def test_a_second_call_reads_the_same_figures_from_the_cache(known_data, django_assert_num_queries):
    first = coverage()

    with django_assert_num_queries(0):
        second = coverage()
        areas = {area.council.gss_code: area for area in second.areas}
        assert areas[LEEDS].council.region.name == "Yorkshire and The Humber"
        assert areas[LEEDS].description.startswith("Leeds: established and networked ULO")

    assert figures(second) == figures(first)
    assert second.england.with_ulo == 4


def test_the_regions_a_caller_read_already_still_shape_the_summaries(
    known_data, django_assert_num_queries
):
    coverage()
    yorkshire = [Region.objects.get(name="Yorkshire and The Humber")]

    with django_assert_num_queries(0):
        found = coverage(yorkshire)

    assert [(s.name, s.area_count, s.with_ulo) for s in found.regions] == [
        ("Yorkshire and The Humber", 15, 3)
    ]
    assert found.england.area_count == 153


def test_a_new_published_ulo_counts_at_once(known_data):
    assert not area(DONCASTER).has_ulo

    UloFactory(stage=Stage.EMERGING, councils=[council(DONCASTER)])

    assert area(DONCASTER).category == Stage.EMERGING
    assert coverage().england.with_ulo == 5


def test_unpublishing_or_deleting_a_ulo_counts_at_once(known_data):
    camden = Ulo.objects.get(local_authorities__gss_code=CAMDEN)
    assert area(CAMDEN).has_ulo

    camden.is_published = False
    camden.save()
    assert not area(CAMDEN).has_ulo

    camden.is_published = True
    camden.save()
    assert area(CAMDEN).has_ulo

    camden.delete()
    assert not area(CAMDEN).has_ulo


def test_a_change_of_stage_counts_at_once(known_data):
    assert area(BRADFORD).category == Stage.ESTABLISHED

    shared = Ulo.objects.get(local_authorities__gss_code=BRADFORD)
    shared.stage = Stage.NETWORKED
    shared.save()

    assert area(BRADFORD).category == Stage.NETWORKED
    assert area(WAKEFIELD).category == Stage.NETWORKED


def test_the_councils_a_ulo_serves_count_at_once_changed_from_the_ulo(known_data):
    shared = Ulo.objects.get(local_authorities__gss_code=BRADFORD)
    assert area(WAKEFIELD).has_ulo

    shared.local_authorities.remove(council(WAKEFIELD))
    assert not area(WAKEFIELD).has_ulo
    assert area(BRADFORD).has_ulo

    shared.local_authorities.add(council(DONCASTER))
    assert area(DONCASTER).has_ulo

    shared.local_authorities.clear()
    assert not area(BRADFORD).has_ulo


@override_settings(SIMPLE_HISTORY_ENABLED=False)
def test_the_councils_a_ulo_serves_count_at_once_changed_from_the_council(known_data):
    # With the audit history on, django-simple-history refuses a change from
    # the council's side (it records the ULO's councils only from the ULO).
    bradford = council(BRADFORD)
    assert area(BRADFORD).has_ulo

    bradford.ulos.remove(Ulo.objects.get(local_authorities=bradford))
    assert not area(BRADFORD).has_ulo

    bradford.ulos.add(UloFactory(stage=Stage.EMERGING, councils=[council(CAMDEN)]))
    assert area(BRADFORD).category == Stage.EMERGING

    bradford.ulos.clear()
    assert not area(BRADFORD).has_ulo


def test_assessments_and_criteria_count_at_once(known_data):
    shared = Ulo.objects.get(local_authorities__gss_code=BRADFORD)
    assert not area(BRADFORD).meets_criteria

    meet_all_criteria(shared)
    assert area(BRADFORD).meets_criteria

    Assessment.objects.filter(ulo=shared).first().delete()
    assert not area(BRADFORD).meets_criteria

    meet_all_criteria(shared)
    assert area(BRADFORD).meets_criteria
    Criterion.objects.create(title="Has a published equality policy", is_essential=True)
    assert not area(BRADFORD).meets_criteria
    assert not area(LEEDS).meets_criteria


def test_a_change_to_a_council_or_region_counts_at_once(known_data):
    assert coverage().england.strategy_adopted == 1

    barnsley = council("E08000038")
    barnsley.ulo_strategy = UloStrategy.ADOPTED
    barnsley.save()
    assert coverage().england.strategy_adopted == 2

    yorkshire = Region.objects.get(name="Yorkshire and The Humber")
    yorkshire.name = "Yorkshire"
    yorkshire.save()
    assert "Yorkshire" in [summary.name for summary in coverage().regions]
    assert area(LEEDS).council.region.name == "Yorkshire"

    barnsley.ended_on = datetime.date(2020, 4, 1)
    barnsley.save()
    assert coverage().england.area_count == 152


def test_a_council_ended_by_a_reorganisation_leaves_the_next_day(known_data):
    doncaster = council(DONCASTER)
    doncaster.ended_on = datetime.date(2027, 4, 1)
    doncaster.save()
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2027, 3, 31)):
        assert coverage().england.area_count == 153

    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2027, 4, 1)):
        assert coverage().england.area_count == 152


def test_figures_worked_out_before_a_change_is_committed_are_not_kept(
    known_data, django_capture_on_commit_callbacks, django_assert_num_queries
):
    camden = Ulo.objects.get(local_authorities__gss_code=CAMDEN)
    with django_capture_on_commit_callbacks(execute=True):
        camden.is_published = False
        camden.save()
        # Another instance may work coverage out before the change is
        # committed, from the data as it was.
        coverage()

    with django_assert_num_queries(2):
        assert not area(CAMDEN).has_ulo


def test_a_write_that_sends_no_signal_is_seen_once_it_clears_the_cache(known_data):
    assert area(CAMDEN).category == Stage.EMERGING
    Ulo.objects.filter(local_authorities__gss_code=CAMDEN).update(stage=Stage.NETWORKED)
    assert area(CAMDEN).category == Stage.EMERGING  # the cache does not know yet

    coverage_cache_clear()

    assert area(CAMDEN).category == Stage.NETWORKED


def test_losing_the_version_from_the_cache_never_brings_back_older_figures(known_data):
    from django.core.cache import cache

    from ulos.selectors import COVERAGE_VERSION_KEY

    assert area(CAMDEN).has_ulo
    Ulo.objects.filter(local_authorities__gss_code=CAMDEN).update(is_published=False)
    cache.delete(COVERAGE_VERSION_KEY)  # evicted, or the cache restarted

    assert not area(CAMDEN).has_ulo

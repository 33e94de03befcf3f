"""Coverage of England's council areas by ULOs, against a known data set."""

import pytest

from tests.leaders.factories import council
from tests.ulos.factories import UloFactory, meet_all_criteria
from ulos.models import LocalAuthority, Stage, UloStrategy
from ulos.selectors import coverage

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
    with django_assert_num_queries(4):
        coverage()
    for gss_code in LocalAuthority.objects.values_list("gss_code", flat=True)[:40]:
        meet_all_criteria(UloFactory(councils=[council(gss_code), council(LEEDS)]))
    with django_assert_num_queries(4):
        coverage()

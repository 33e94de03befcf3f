"""The reports page: figures checked against a small programme whose answers
are worked out by hand, for England and for one region; the CSV files match
the tables; only coordinators see it, regional ones only their region; and it
runs in the same number of queries however much data there is."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citizenleaders import charts
from citizenleaders.reports import Period, periods_between, report
from citizenleaders.roles import Role
from events.models import Event, Registration
from leaders.models import Activity, Application, Leader
from tests.citizenleaders.factories import UserFactory
from tests.conftest import make_person
from tests.events.factories import EventFactory
from tests.leaders.factories import ActivityFactory, ApplicationFactory, LeaderFactory, council
from tests.ulos.factories import UloFactory, meet_all_criteria
from ulos.models import LocalAuthority, Region

pytestmark = pytest.mark.django_db

LEEDS, BRADFORD, MANCHESTER = "E08000035", "E08000032", "E08000003"
YORKSHIRE, NORTH_WEST = "E12000003", "E12000002"
START, END = datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)
PERIOD_QUERY = {"start": "2025-04-01", "end": "2026-03-31"}


def at(day, hour=12):
    """A moment on ``day`` (2025-06-01) in UK time."""
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def application(gss, submitted, status, decided=None):
    return ApplicationFactory(
        local_authority=council(gss),
        status=status,
        submitted_at=at(submitted) if submitted else None,
        decided_at=at(decided) if decided else None,
    )


def leader(from_application, status, accepted, activated=None):
    return LeaderFactory(
        user=from_application.user,
        application=from_application,
        local_authority=from_application.local_authority,
        status=status,
        accepted_at=at(accepted),
        activated_at=at(activated) if activated else None,
    )


def activity(who, kind, day, hours, status=Activity.Status.VERIFIED, **kwargs):
    return ActivityFactory(
        leader=who,
        kind=kind,
        date=datetime.date.fromisoformat(day),
        hours=hours,
        status=status,
        **kwargs,
    )


def held_event(region_code, day, attendances, *, status=Event.Status.PUBLISHED, **kwargs):
    event = EventFactory(
        region=Region.objects.get(gss_code=region_code),
        start=at(day, 10),
        end=at(day, 15),
        status=status,
        cancelled_at=at(day, 9) if status == Event.Status.CANCELLED else None,
        **kwargs,
    )
    for attendance in attendances:
        Registration.objects.create(
            event=event,
            user=UserFactory(),
            status=Registration.Status.CONFIRMED,
            confirmed_at=at(day, 9),
            attendance=attendance,
        )
    return event


@pytest.fixture
def programme():
    """The programme the expected figures below are worked out from."""
    Accepted, Declined, Withdrawn = (
        Application.Status.ACCEPTED,
        Application.Status.DECLINED,
        Application.Status.WITHDRAWN,
    )
    a1 = application(LEEDS, "2025-05-10", Accepted, "2025-06-01")
    a2 = application(LEEDS, "2025-06-10", Accepted, "2025-07-01")
    application(BRADFORD, "2025-08-01", Declined, "2025-08-20")
    a4 = application(MANCHESTER, "2025-09-01", Accepted, "2025-10-01")
    a5 = application(LEEDS, "2025-03-15", Accepted, "2025-04-10")  # sent before the period
    application(LEEDS, "2026-05-01", Application.Status.SUBMITTED)  # sent after it
    application(LEEDS, None, Application.Status.DRAFT)  # never sent
    application(MANCHESTER, "2025-11-01", Withdrawn, "2025-11-10")

    l1 = leader(a1, Leader.Status.ACTIVE, "2025-06-01", "2025-07-01")  # 30 days
    l2 = leader(a2, Leader.Status.PAUSED, "2025-07-01", "2025-09-09")  # 70 days
    l3 = leader(a4, Leader.Status.IN_TRAINING, "2025-10-01")
    l4 = leader(a5, Leader.Status.ACTIVE, "2025-04-10", "2025-05-20")  # 40 days

    meeting, regional = Activity.Kind.LOCAL_MEETING, Activity.Kind.REGIONAL_MEETING
    activity(l1, meeting, "2025-06-15", 2, people_reached=10, challenge="Slow", change="Faster")
    activity(l1, regional, "2025-07-20", 3, challenge="No Easy Read")
    activity(l1, Activity.Kind.PEER_SUPPORT, "2025-08-01", 1, status=Activity.Status.PENDING)
    activity(l2, Activity.Kind.STAFF_TRAINING, "2025-09-05", "4.5", people_reached=25)
    activity(l3, Activity.Kind.PEER_SUPPORT, "2025-10-10", "1.25", people_reached=1)
    activity(l3, Activity.Kind.OTHER, "2025-10-11", 1, status=Activity.Status.QUERIED)
    activity(l4, meeting, "2026-04-02", 2)  # after the period

    attended, absent, unknown = "attended", "absent", ""
    yorkshire_event = held_event(YORKSHIRE, "2025-09-10", [attended, attended, absent])
    Registration.objects.create(
        event=yorkshire_event,
        user=UserFactory(),
        status=Registration.Status.WAITING,
        waiting_since=at("2025-09-01"),
    )
    held_event(NORTH_WEST, "2025-10-10", [attended, unknown], host_council=council(MANCHESTER))
    held_event(YORKSHIRE, "2025-11-01", [attended], status=Event.Status.CANCELLED)
    held_event(YORKSHIRE, "2026-05-01", [attended])  # after the period

    meet_all_criteria(UloFactory(councils=[council(LEEDS)]))
    UloFactory(councils=[council(MANCHESTER)])
    UloFactory(councils=[council(BRADFORD)], is_published=False)


def figures(found):
    return {figure.label: figure.value for section in found.sections.values() for figure in section}


def england():
    return report(Period(start=START, end=END), list(Region.objects.all()))


def yorkshire():
    region = Region.objects.get(gss_code=YORKSHIRE)
    return report(Period(start=START, end=END, region=region), list(Region.objects.all()))


def test_the_figures_for_england(programme):
    assert figures(england()) == {
        "Applications received": 5,
        "Applications accepted": 4,
        "Applications declined": 1,
        "Applications withdrawn": 1,
        "Training completion rate": "75%",
        "Median days from acceptance to active": 40,
        "Activities": 4,
        "Hours": "10.75",
        "People reached": 36,
        "Meetings attended": 2,
        "Challenges raised at meetings that led to a change": 1,
        "Events held": 2,
        "Booked people who attended": "60%",
        "Council areas": LocalAuthority.objects.current().count(),
        "Areas with a ULO": 2,
        "Areas with a ULO that meets the criteria": 1,
    }


def test_the_figures_for_one_region(programme):
    assert figures(yorkshire()) == {
        "Applications received": 3,
        "Applications accepted": 3,
        "Applications declined": 1,
        "Applications withdrawn": 0,
        "Training completion rate": "100%",
        "Median days from acceptance to active": 40,
        "Activities": 3,
        "Hours": "9.5",
        "People reached": 35,
        "Meetings attended": 2,
        "Challenges raised at meetings that led to a change": 1,
        "Events held": 1,
        "Booked people who attended": "67%",
        "Council areas": LocalAuthority.objects.current()
        .filter(region__gss_code=YORKSHIRE)
        .count(),
        "Areas with a ULO": 1,
        "Areas with a ULO that meets the criteria": 1,
    }


def test_the_tables_for_england(programme):
    found = england()
    assert found.activities_waiting == 1
    assert found.leaders_by_status.rows == [
        ["In training", 1],
        ["Active", 2],
        ["Paused", 1],
        ["Left", 0],
        ["All leaders", 4],
    ]
    by_kind = {row[0]: row[1:] for row in found.activities_by_kind.rows}
    assert by_kind["Attended a local meeting"] == [1, "2", 10]
    assert by_kind["Delivered training to council staff"] == [1, "4.5", 25]
    assert by_kind["Gave peer support"] == [1, "1.25", 1]
    assert by_kind["Other"] == [0, "0", 0]
    assert by_kind["All activities"] == [4, "10.75", 36]
    journey = {row[0]: row[1:] for row in found.journey.rows}
    assert journey["Yorkshire and The Humber"] == [3, 2, 2, 1]
    assert journey["North West"] == [2, 1, 0, 0]
    assert journey["London"] == [0, 0, 0, 0]
    assert journey["England"] == [5, 3, 2, 1]
    months = {row[0]: row[1:] for row in found.over_time.rows}
    assert list(months)[0] == "Apr 2025" and list(months)[-1] == "Mar 2026"
    assert len(months) == 12
    assert months["Jun 2025"] == [1, "2"]
    assert months["Sep 2025"] == [1, "4.5"]
    assert months["Aug 2025"] == [0, "0"]


def test_activity_by_quarter(programme):
    found = report(Period(start=START, end=END, by="quarter"), list(Region.objects.all()))
    assert found.over_time.rows == [
        ["Apr–Jun 2025", 1, "2"],
        ["Jul–Sep 2025", 2, "7.5"],
        ["Oct–Dec 2025", 1, "1.25"],
        ["Jan–Mar 2026", 0, "0"],
    ]


def test_a_regions_journey_has_only_that_region(programme):
    assert yorkshire().journey.rows == [["Yorkshire and The Humber", 3, 2, 2, 1]]


def test_an_empty_period_shows_no_figures_rather_than_failing():
    found = report(Period(start=START, end=END), list(Region.objects.all()))
    values = figures(found)
    assert values["Training completion rate"] is None
    assert values["Median days from acceptance to active"] is None
    assert values["Booked people who attended"] is None


# The page


@pytest.fixture
def national(client):
    client.force_login(make_person(Role.NATIONAL_COORDINATOR))
    return client


@pytest.fixture
def regional(client):
    client.force_login(make_person(Role.REGIONAL_COORDINATOR))
    return client


def test_a_national_coordinator_sees_englands_figures(programme, national):
    response = national.get(reverse("reports:index"), PERIOD_QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Figures for <strong>England</strong> from 1 April 2025 to 31 March 2026" in page
    found = response.context["report"]
    assert figures(found)["Applications received"] == 5
    # Each chart is an image with a title and a summary in words.
    assert page.count('role="img"') == 4
    assert "Of 5 applications sent from 1 April 2025 to 31 March 2026, 3 were accepted" in page
    assert "1 more activity is waiting to be checked" in page


def test_a_national_coordinator_may_narrow_to_a_region(programme, national):
    response = national.get(reverse("reports:index"), {**PERIOD_QUERY, "region": YORKSHIRE})
    assert figures(response.context["report"])["Applications received"] == 3
    assert "Figures for <strong>Yorkshire and The Humber</strong>" in response.content.decode()


def test_a_regional_coordinator_sees_only_their_region(programme, regional):
    response = regional.get(reverse("reports:index"), PERIOD_QUERY)
    assert response.status_code == 200
    assert figures(response.context["report"]) == figures(yorkshire())
    assert "England" not in [label for _, label in response.context["region_choices"]]


def test_a_regional_coordinator_cannot_ask_for_another_region(programme, regional):
    for address in (reverse("reports:index"), reverse("reports:csv", args=["journey"])):
        response = regional.get(address, {**PERIOD_QUERY, "region": NORTH_WEST})
        assert response.status_code in (200, 400)
        assert "Choose a region from the list" in response.content.decode()
        assert "North West" not in response.content.decode().replace("Choose", "")
    response = regional.get(reverse("reports:index"), {**PERIOD_QUERY, "region": ""})
    assert response.context["report"] is None
    assert "Choose your region" in response.content.decode()


def test_the_period_defaults_to_this_financial_year(national):
    response = national.get(reverse("reports:index"))
    period = response.context["report"].period
    today = timezone.localdate()
    assert period.end == today
    assert period.start.month == 4 and period.start.day == 1
    assert period.start <= today < period.start.replace(year=period.start.year + 1)


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "2026-04-01", "end": "2026-03-01"}, "The end date must be the same as or after"),
        ({"start": "1 April"}, "Enter the start date as a real date, for example 2026-04-01"),
        ({"end": "2026-02-30"}, "Enter the end date as a real date"),
        ({"start": "1900-01-01", "end": "2026-01-01"}, "Choose a period of at most 10 years"),
        ({"by": "century"}, "Choose month or quarter"),
        ({"region": "E99999999"}, "Choose a region from the list"),
    ],
)
def test_a_wrong_period_is_explained_and_shows_no_figures(national, query, message):
    response = national.get(reverse("reports:index"), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert response.context["report"] is None
    assert "<title>Error: Reports" in page
    csv_response = national.get(reverse("reports:csv", args=["journey"]), query)
    assert csv_response.status_code == 400
    assert message in csv_response.content.decode()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.APPLICANT, Role.LEADER, Role.COUNCIL_STAFF])
def test_only_coordinators_see_reports(client, role):
    client.force_login(make_person(role))
    assert client.get(reverse("reports:index")).status_code == 403
    assert client.get(reverse("reports:csv", args=["journey"])).status_code == 403


def test_a_visitor_is_asked_to_log_in(client):
    response = client.get(reverse("reports:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=/reports/")


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize(
    "slug",
    [
        "headline-figures",
        "leaders-by-status",
        "activities-by-kind",
        "journey",
        "activity-over-time",
    ],
)
def test_each_csv_matches_its_table(programme, national, slug):
    page = national.get(reverse("reports:index"), {**PERIOD_QUERY, "region": YORKSHIRE})
    table = page.context["report"].tables[slug]
    query = f"start=2025-04-01&amp;end=2026-03-31&amp;by=month&amp;region={YORKSHIRE}"
    link = f"{reverse('reports:csv', args=[slug])}?{query}"
    assert link in page.content.decode()
    response = national.get(
        reverse("reports:csv", args=[slug]), {**PERIOD_QUERY, "region": YORKSHIRE}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"{slug}-{YORKSHIRE}-2025-04-01-to-2026-03-31.csv" in response["Content-Disposition"]
    assert read_csv(response) == [
        table.header,
        *[[str(cell) for cell in row] for row in table.rows],
    ]


def test_an_unknown_table_is_not_found(national):
    assert national.get(reverse("reports:csv", args=["salaries"])).status_code == 404


def test_the_page_runs_the_same_queries_however_much_data(programme, national):
    def count():
        cache.clear()  # the figures worked out afresh
        with CaptureQueriesContext(connection) as queries:
            response = national.get(reverse("reports:index"), PERIOD_QUERY)
        assert response.status_code == 200
        return len(queries)

    before = count()
    assert before <= 10  # the session, the account, the regions and the figures
    for number in range(15):
        gss = [LEEDS, BRADFORD, MANCHESTER][number % 3]
        a = application(gss, "2025-06-01", Application.Status.ACCEPTED, "2025-06-02")
        someone = leader(a, Leader.Status.ACTIVE, "2025-06-02", "2025-08-01")
        activity(someone, Activity.Kind.PEER_SUPPORT, "2025-08-03", 1)
        held_event(YORKSHIRE, "2025-12-01", ["attended"])
        UloFactory(councils=[council(gss)])
    assert count() == before


def test_figures_are_kept_for_a_few_minutes_and_shared(programme, national, client):
    with CaptureQueriesContext(connection) as first:
        national.get(reverse("reports:index"), {**PERIOD_QUERY, "region": YORKSHIRE})
    ApplicationFactory(local_authority=council(LEEDS), submitted_at=at("2025-06-01"))
    client.force_login(make_person(Role.REGIONAL_COORDINATOR))
    with CaptureQueriesContext(connection) as second:
        response = client.get(reverse("reports:index"), PERIOD_QUERY)
    assert figures(response.context["report"])["Applications received"] == 3
    assert len(second) < len(first) - 5
    assert "worked out again every 5 minutes" in response.content.decode()
    cache.clear()
    response = client.get(reverse("reports:index"), PERIOD_QUERY)
    assert figures(response.context["report"])["Applications received"] == 4


# Charts


def test_bars_are_as_long_as_their_values():
    chart = charts.bar_chart(
        id="c", title="T", summary="S", items=[("A", 10, "10"), ("B", 5, "5"), ("C", 0, "0")]
    )
    widths = [bar.width for bar in chart.bars]
    assert widths[0] == 2 * widths[1]
    assert widths[2] == 0
    assert [bar.value_text for bar in chart.bars] == ["10", "5", "0"]


def test_a_line_rises_with_its_values():
    chart = charts.line_chart(
        id="c", title="T", summary="S", items=[("Jan", 0, "0"), ("Feb", 8, "8"), ("Mar", 4, "4")]
    )
    low, high, middle = (point.y for point in chart.points)
    assert high < middle < low  # y grows downwards
    assert [tick.text for tick in chart.y_ticks] == ["0", "2.5", "5", "7.5", "10"]
    assert chart.polyline.count(",") == 3


@pytest.mark.parametrize("value, ceiling", [(0, 1), (7, 10), (12, 20), (240, 250), (3, 5)])
def test_the_y_axis_ends_at_a_round_number(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling


def test_periods_cover_the_whole_range():
    assert periods_between(datetime.date(2025, 5, 20), datetime.date(2025, 11, 2), "quarter") == [
        datetime.date(2025, 4, 1),
        datetime.date(2025, 7, 1),
        datetime.date(2025, 10, 1),
    ]

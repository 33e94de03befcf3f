"""A council's page as its own staff and coordinators see it: leaders in the
area who appear in the directory, the council's requests for involvement,
and checked activity involving the council. Everyone else sees the public
page unchanged."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citizenleaders.models import StaffRole
from citizenleaders.roles import Role
from leaders.models import Activity, InvolvementRequest, Leader
from tests.citizenleaders.factories import StaffRoleFactory, UserFactory
from tests.conftest import make_person
from tests.leaders.factories import ActivityFactory, LeaderFactory, council
from ulos.models import Region

pytestmark = pytest.mark.django_db

LEEDS, BRADFORD = "E08000035", "E08000032"
LEEDS_PAGE = reverse("authorities:detail", kwargs={"gss_code": LEEDS})
STAFF_HEADINGS = [
    "Citizen Leaders in this area",
    "Requests for involvement",
    "Activity involving this council",
]


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """Nobody here logs in with a password, so hash them quickly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def leader(name, *, gss_code=LEEDS, **fields):
    fields.setdefault("in_directory", True)
    return LeaderFactory(user__full_name=name, local_authority=council(gss_code), **fields)


def involvement_request(title, *, gss_code=LEEDS, status="open", date=None):
    now = timezone.now()
    return InvolvementRequest.objects.create(
        local_authority=council(gss_code),
        title=title,
        purpose=InvolvementRequest.Purpose.MEETING,
        date=date or days_ago(-14),
        hours=2,
        description="Tell us what works about direct payments.",
        status=status,
        completed_at=now if status == "completed" else None,
        cancelled_at=now if status == "cancelled" else None,
    )


def activity(by, *, gss_code=LEEDS, status="verified", **fields):
    return ActivityFactory(leader=by, local_authority=council(gss_code), status=status, **fields)


@pytest.fixture
def leeds():
    """Leeds with two leaders in the directory, two who are not, two requests
    and checked activity; Bradford with one of each."""
    leader("Priya Shah")
    leader("Tom Baker", preferred_name="Tommy")
    # Their names must never appear: not in the directory.
    quiet = leader("Quiet Leeds Person", in_directory=False)
    leader("Paused Leeds Person", status=Leader.Status.PAUSED)
    bradford_leader = leader("Bradford Person", gss_code=BRADFORD)

    consultation = involvement_request("Budget consultation", date=days_ago(-10))
    training = involvement_request("Staff training day", status="completed", date=days_ago(20))
    involvement_request("Bradford interview panel", gss_code=BRADFORD)

    activity(
        quiet,
        kind=Activity.Kind.LOCAL_MEETING,
        date=days_ago(30),
        hours="2.5",
        people_reached=10,
        challenge="Letters about personal budgets are hard to read.",
        council_response="We will look at them.",
        change="Letters rewritten in plain English.",
    )
    activity(
        quiet,
        kind=Activity.Kind.LOCAL_MEETING,
        date=days_ago(5),
        hours=1,
        people_reached=5,
        challenge="There is no hearing loop in the meeting room.",
    )
    activity(
        quiet, kind=Activity.Kind.STAFF_TRAINING, date=days_ago(60), hours=3, people_reached=20
    )
    # Not counted: not checked yet, queried, or about another council.
    activity(quiet, status="pending", hours=5, people_reached=100, challenge="Pending challenge")
    activity(quiet, status="queried", hours=5, people_reached=100, challenge="Queried challenge")
    activity(bradford_leader, gss_code=BRADFORD, hours=7, challenge="A Bradford challenge")
    return {"consultation": consultation, "training": training}


def regional_coordinator_for(region_name):
    user = UserFactory(two_factor=True)
    StaffRoleFactory(
        user=user,
        kind=StaffRole.Kind.REGIONAL_COORDINATOR,
        region=Region.objects.get(name=region_name),
    )
    return user


def staff_of(gss_code, *, two_factor=True):
    user = UserFactory(two_factor=two_factor)
    StaffRoleFactory(
        user=user, kind=StaffRole.Kind.COUNCIL_STAFF, local_authority=council(gss_code)
    )
    return user


def shows_staff_sections(page):
    shown = [heading in page for heading in STAFF_HEADINGS]
    assert len(set(shown)) == 1, f"Some staff sections only: {shown}"
    return shown[0]


@pytest.mark.parametrize(
    "role", [Role.COUNCIL_STAFF, Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR]
)
def test_the_councils_staff_and_coordinators_in_scope_see_its_staff_sections(client, leeds, role):
    client.force_login(make_person(role))  # council staff are Leeds staff

    response = client.get(LEEDS_PAGE)

    page = response.content.decode()
    assert response.status_code == 200
    assert shows_staff_sections(page)
    assert "Only coordinators and this council's staff can see this" in page
    assert page.count("<h1") == 1
    assert "<title>Leeds – Citizen Leaders</title>" in page


@pytest.mark.parametrize(
    "who",
    [
        Role.ANONYMOUS,
        Role.MEMBER,
        Role.APPLICANT,
        Role.LEADER,
        "staff of another council",
        "regional coordinator of another region",
        "the council's staff without two-factor",
    ],
)
def test_everyone_else_sees_the_public_page_unchanged(client, leeds, who):
    if who == "staff of another council":
        user = staff_of(BRADFORD)
    elif who == "regional coordinator of another region":
        user = regional_coordinator_for("London")
    elif who == "the council's staff without two-factor":
        user = staff_of(LEEDS, two_factor=False)
    else:
        user = make_person(who)
    if user is not None:
        client.force_login(user)

    response = client.get(LEEDS_PAGE)

    page = response.content.decode()
    assert response.status_code == 200
    assert not shows_staff_sections(page)
    assert [template.name for template in response.templates][0] == "ulos/authority_detail.html"
    assert "overview" not in response.context
    for hidden in ["Priya Shah", "Budget consultation", "Letters about personal budgets"]:
        assert hidden not in page


def test_staff_of_another_council_see_the_sections_on_their_own_councils_page(client, leeds):
    client.force_login(staff_of(BRADFORD))

    page = client.get(reverse("authorities:detail", kwargs={"gss_code": BRADFORD})).content.decode()

    assert shows_staff_sections(page)
    assert "Bradford Person" in page
    assert "Bradford interview panel" in page
    assert "A Bradford challenge" in page
    assert "Priya Shah" not in page
    assert "Budget consultation" not in page


@pytest.fixture
def leeds_staff(client):
    client.force_login(make_person(Role.COUNCIL_STAFF))
    return client


def test_leaders_in_the_area_who_appear_in_the_directory_link_to_their_pages(leeds_staff, leeds):
    response = leeds_staff.get(LEEDS_PAGE)

    page = response.content.decode()
    names = [leader.display_name for leader in response.context["overview"].leaders]
    assert names == ["Priya Shah", "Tommy"]
    priya = Leader.objects.get(user__full_name="Priya Shah")
    assert f'href="{reverse("directory:leader", kwargs={"pk": priya.pk})}">Priya Shah</a>' in page
    for not_listed in ["Quiet Leeds Person", "Paused Leeds Person", "Bradford Person"]:
        assert not_listed not in page


def test_the_councils_requests_and_where_they_stand(leeds_staff, leeds):
    response = leeds_staff.get(LEEDS_PAGE)

    page = response.content.decode()
    titles = [request.title for request in response.context["overview"].requests]
    assert titles == ["Budget consultation", "Staff training day"]
    consultation = leeds["consultation"]
    assert f'href="{reverse("requests:detail", kwargs={"pk": consultation.pk})}"' in page
    assert consultation.date.strftime("%-d %B %Y") in page
    assert ">Open</strong>" in page
    assert ">Completed</strong>" in page
    assert "Bradford interview panel" not in page


def test_checked_activity_involving_the_council_with_no_leader_named(leeds_staff, leeds):
    response = leeds_staff.get(LEEDS_PAGE)

    activity = response.context["overview"].activity
    assert activity.activities == 3
    assert [(item.label, item.count, item.hours) for item in activity.by_kind] == [
        ("Delivered training to council staff", 1, Decimal("3")),
        ("Attended a local meeting", 2, Decimal("3.5")),
    ]
    assert activity.hours == Decimal("6.5")
    assert activity.people_reached == 35
    assert activity.challenges == 2
    assert activity.changes == 1
    page = response.content.decode()
    assert "Counting only activities a coordinator has checked." in page
    assert "Letters about personal budgets are hard to read." in page
    assert "Letters rewritten in plain English." in page
    assert "There is no hearing loop in the meeting room." in page
    assert "Nothing recorded yet" in page
    for hidden in ["Quiet Leeds Person", "Pending challenge", "Queried challenge", "Bradford"]:
        assert hidden not in page


def test_only_the_latest_five_challenges_are_shown(leeds_staff, leeds):
    quiet = Leader.objects.get(user__full_name="Quiet Leeds Person")
    for number in range(5):
        activity(quiet, date=days_ago(number), challenge=f"Recent challenge {number}")

    response = leeds_staff.get(LEEDS_PAGE)

    page = response.content.decode()
    assert response.context["overview"].activity.challenges == 7
    for number in range(5):
        assert f"Recent challenge {number}" in page
    assert "There is no hearing loop in the meeting room." not in page


def test_a_council_with_nothing_yet_says_so(leeds_staff):
    page = leeds_staff.get(LEEDS_PAGE).content.decode()

    assert "No leaders in this area appear in the directory yet." in page
    assert "This council has not asked for a leader's involvement yet." in page
    assert "No checked activity involving this council yet." in page


def test_the_staff_sections_take_the_same_number_of_queries_however_much_there_is(
    leeds_staff, leeds
):
    with CaptureQueriesContext(connection) as some:
        leeds_staff.get(LEEDS_PAGE)
    quiet = Leader.objects.get(user__full_name="Quiet Leeds Person")
    for number in range(10):
        leader(f"Another Leeds Leader {number}")
        involvement_request(f"Another request {number}")
        for kind in Activity.Kind:
            activity(quiet, kind=kind, challenge=f"Challenge {number}", change="Something")
    with CaptureQueriesContext(connection) as more:
        leeds_staff.get(LEEDS_PAGE)

    assert len(more) == len(some)

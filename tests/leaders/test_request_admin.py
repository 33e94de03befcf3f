"""Councils' requests for involvement in the back office, used as coordinators
use it: the list, matching leaders, marking completed and cancelling."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from citizenleaders.models import StaffRole
from citizenleaders.roles import Role
from leaders.models import InvolvementMatch, InvolvementRequest, Skill
from tests.citizenleaders.factories import StaffRoleFactory, UserFactory
from tests.conftest import make_person
from tests.leaders.factories import (
    InvolvementMatchFactory,
    InvolvementRequestFactory,
    LeaderFactory,
    council,
)

pytestmark = pytest.mark.django_db

LEEDS, BRADFORD, WESTMINSTER = "E08000035", "E08000032", "E09000033"
REQUESTS = "/admin/leaders/involvementrequest/"
MATCHES = "/admin/leaders/involvementmatch/"
Status = InvolvementRequest.Status
Answer = InvolvementMatch.Status


def staff_of(gss_code=LEEDS, **kwargs):
    user = UserFactory(two_factor=True, **kwargs)
    StaffRoleFactory(
        user=user, kind=StaffRole.Kind.COUNCIL_STAFF, local_authority=council(gss_code)
    )
    return user


@pytest.fixture
def staff():
    return staff_of(full_name="Chris Council")


@pytest.fixture
def national(client):
    user = make_person(Role.NATIONAL_COORDINATOR)
    client.force_login(user)
    return user


@pytest.fixture
def regional(client):
    user = make_person(Role.REGIONAL_COORDINATOR)  # Yorkshire and The Humber
    client.force_login(user)
    return user


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def a_request(requester, **kwargs):
    return InvolvementRequestFactory(
        requester=requester, local_authority=requester.staff_role.local_authority, **kwargs
    )


def step_url(request, step):
    return reverse(f"admin:leaders_involvementrequest_{step}", args=[request.pk])


def change_url(request):
    return reverse("admin:leaders_involvementrequest_change", args=[request.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def page(response):
    return response.content.decode()


# --- The list -------------------------------------------------------------------------------


def test_a_regional_coordinator_sees_only_their_regions_requests(client, regional, staff):
    leeds = a_request(staff, title="Leeds workshop")
    westminster = a_request(staff_of(WESTMINSTER), title="Westminster panel")

    response = client.get(REQUESTS)

    assert list(response.context["cl"].result_list) == [leeds]
    for url in [change_url(westminster), *(step_url(westminster, s) for s in STEPS)]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    westminster.refresh_from_db()
    assert westminster.status == Status.OPEN


def test_a_national_coordinator_sees_every_request_and_finds_one_by_reference(
    client, national, staff
):
    leeds = a_request(staff, title="Leeds workshop")
    westminster = a_request(staff_of(WESTMINSTER), title="Westminster panel")

    assert set(client.get(REQUESTS).context["cl"].result_list) == {leeds, westminster}
    found = client.get(REQUESTS, {"q": westminster.reference})
    assert list(found.context["cl"].result_list) == [westminster]
    by_email = client.get(REQUESTS, {"q": staff.email})
    assert list(by_email.context["cl"].result_list) == [leeds]
    filtered = client.get(REQUESTS, {"status__exact": "open", "purpose__exact": "meeting"})
    assert filtered.status_code == 200


def test_requests_are_not_added_in_the_back_office(client, national):
    assert client.get(f"{REQUESTS}add/").status_code == 403


def test_the_request_page_shows_the_leaders_put_forward_and_the_steps_possible(
    client, regional, staff
):
    request = a_request(staff, status=Status.MATCHED)
    InvolvementMatchFactory(request=request, leader__user__full_name="Lena Leader")

    content = page(client.get(change_url(request)))

    assert f"{request.reference}: matched" in content
    assert "Lena Leader" in content
    assert "Waiting for the leader" in content
    assert step_url(request, "match") in content
    assert step_url(request, "cancel") in content
    assert step_url(request, "complete") not in content  # nobody has accepted, and not yet


def test_what_the_system_records_is_read_only(client, national, staff):
    request = a_request(staff)
    form = client.get(change_url(request)).context["adminform"].form

    for name in ["status", "requester", "local_authority", "completed_at", "feedback"]:
        assert name not in form.fields
    assert "title" in form.fields


def test_requests_export_as_csv_within_scope(client, regional, staff):
    leeds = a_request(staff, title="Leeds workshop")
    westminster = a_request(staff_of(WESTMINSTER), title="Westminster panel")

    response = client.post(
        REQUESTS,
        {"action": "export_as_csv", "_selected_action": [leeds.pk, westminster.pk]},
    )

    body = response.content.decode()
    assert "Leeds workshop" in body
    assert "Westminster panel" not in body


# --- Matching -------------------------------------------------------------------------------

STEPS = ["match", "complete", "cancel"]


def test_matching_suggests_the_leaders_asked_for_and_with_the_skills_first(client, regional, staff):
    skill = Skill.objects.first()
    asked = LeaderFactory(in_directory=True, user__full_name="Asked For")
    skilled = LeaderFactory(in_directory=True, user__full_name="Has Skill")
    skilled.skills.add(skill)
    LeaderFactory(in_directory=True, user__full_name="Someone Else")
    LeaderFactory(in_directory=False, user__full_name="Not Listed")
    request = a_request(staff)
    request.leaders.add(asked)
    request.skills.add(skill)

    response = client.get(step_url(request, "match"))

    form = response.context["form"]
    names = [leader.user.full_name for leader in form.candidates]
    assert names[:3] == ["Asked For", "Has Skill", "Someone Else"]
    assert "Not Listed" not in names
    assert form.initial["leaders"] == [asked.pk]
    content = page(response)
    assert f"skills: {skill.name}" in content
    assert "asked for by the council" in content


def test_a_coordinator_matches_leaders_and_everyone_is_told(client, regional, staff, commits):
    lena = LeaderFactory(in_directory=True, user__full_name="Lena Leader")
    omar = LeaderFactory(in_directory=True, user__full_name="Omar Other")
    request = a_request(staff)

    response = commits(
        lambda: client.post(step_url(request, "match"), {"leaders": [lena.pk, omar.pk]})
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(request)
    assert messages_of(response) == [
        f"Put forward 2 leaders for {request.reference}: Lena Leader, Omar Other. We have "
        "emailed them, and told the council who was put forward."
    ]
    request.refresh_from_db()
    assert request.status == Status.MATCHED
    assert {(m.leader, m.status, m.matched_by) for m in request.matches.all()} == {
        (lena, Answer.OFFERED, regional),
        (omar, Answer.OFFERED, regional),
    }
    recipients = sorted(address for email in mail.outbox for address in email.to)
    assert recipients == sorted([lena.user.email, omar.user.email, staff.email])


def test_a_search_finds_any_leader_in_the_directory_to_match(client, regional, staff):
    far_away = LeaderFactory(
        in_directory=True,
        user__full_name="Zara Faraway",
        local_authority=council(WESTMINSTER),
    )
    request = a_request(staff)
    url = f"{step_url(request, 'match')}?q=faraway"

    assert "Zara Faraway" in page(client.get(url))
    client.post(url, {"leaders": [far_away.pk]})

    assert request.matches.get().leader == far_away


def test_matching_nobody_is_explained_and_changes_nothing(client, regional, staff):
    request = a_request(staff)

    response = client.post(step_url(request, "match"), {})

    assert response.status_code == 200
    assert "Choose at least one leader to put forward" in page(response)
    assert not request.matches.exists()


# --- Completing and cancelling -------------------------------------------------------------------


def test_completing_is_refused_before_the_day_and_done_after_it(client, regional, staff, commits):
    request = a_request(staff, status=Status.ACCEPTED)
    taking_part = InvolvementMatchFactory(request=request, status=Answer.ACCEPTED)

    early = client.get(step_url(request, "complete"))
    assert "before it has happened" in page(early)
    client.post(step_url(request, "complete"))
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED

    request.date = timezone.localdate() - datetime.timedelta(days=1)
    request.save()
    response = commits(lambda: client.post(step_url(request, "complete")))

    assert response["Location"] == change_url(request)
    request.refresh_from_db()
    assert request.status == Status.COMPLETED
    assert [email.to for email in mail.outbox] == [[taking_part.leader.user.email], [staff.email]]


def test_cancelling_with_a_reason(client, national, staff, commits):
    request = a_request(staff, status=Status.MATCHED)
    match = InvolvementMatchFactory(request=request)

    confirm = page(client.get(step_url(request, "cancel")))
    assert "This cancels" in confirm
    response = commits(
        lambda: client.post(step_url(request, "cancel"), {"reason": "The council asked us to"})
    )

    assert response["Location"] == change_url(request)
    request.refresh_from_db()
    assert (request.status, request.cancel_reason) == (Status.CANCELLED, "The council asked us to")
    match.refresh_from_db()
    assert match.status == Answer.WITHDRAWN
    told = {address for email in mail.outbox for address in email.to}
    assert {match.leader.user.email, staff.email} <= told


def test_a_cancelled_request_offers_no_steps(client, national, staff):
    request = a_request(staff, status=Status.CANCELLED, cancelled_at=timezone.now())
    before = model_to_dict(request)

    content = page(client.get(change_url(request)))
    for step in STEPS:
        assert step_url(request, step) not in content
        client.post(step_url(request, step), {"reason": "x", "leaders": []})

    request.refresh_from_db()
    assert model_to_dict(request) == before


# --- The leaders put forward, on their own ------------------------------------------------


def test_matches_are_listed_in_scope_and_read_only(client, regional, staff):
    mine = InvolvementMatchFactory(request=a_request(staff))
    InvolvementMatchFactory(request=a_request(staff_of(WESTMINSTER)))

    response = client.get(MATCHES)

    assert list(response.context["cl"].result_list) == [mine]
    detail = client.get(reverse("admin:leaders_involvementmatch_change", args=[mine.pk]))
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert client.get(f"{MATCHES}add/").status_code == 403

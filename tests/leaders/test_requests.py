"""Requests for a leader's involvement: the services from asking to feedback,
the council staff's pages at /requests/, and the leader's side at /me/requests/."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from citizenleaders.models import StaffRole
from citizenleaders.roles import Role
from leaders.models import Activity, InvolvementMatch, InvolvementRequest, Skill
from leaders.services import requests as involvement
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
Status = InvolvementRequest.Status
Answer = InvolvementMatch.Status
TODAY = timezone.localdate
PRIVATE = ["07700 900982", "Needs a hearing loop", "lena.private@example.org"]


# --- People and records ----------------------------------------------------------------


def staff_of(gss_code=LEEDS, **kwargs):
    user = UserFactory(two_factor=True, **kwargs)
    StaffRoleFactory(
        user=user, kind=StaffRole.Kind.COUNCIL_STAFF, local_authority=council(gss_code)
    )
    return user


@pytest.fixture
def staff():
    return staff_of(full_name="Chris Council", email="chris@leeds.example.org")


@pytest.fixture
def regional():
    return make_person(Role.REGIONAL_COORDINATOR, email="rhys@example.org")


@pytest.fixture
def national():
    return make_person(Role.NATIONAL_COORDINATOR, email="nadia@example.org")


@pytest.fixture
def leader():
    """A leader in the directory with private details that must never reach council staff."""
    return LeaderFactory(
        in_directory=True,
        user__full_name="Lena Leader",
        user__email="lena.private@example.org",
        phone="07700 900982",
        access_needs="Needs a hearing loop",
    )


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run something and send the emails it would send once it commits."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def a_request(staff, **kwargs):
    return InvolvementRequestFactory(
        requester=staff, local_authority=staff.staff_role.local_authority, **kwargs
    )


def happened(staff, **kwargs):
    """A request whose date has passed."""
    return a_request(staff, date=TODAY() - datetime.timedelta(days=1), **kwargs)


def sent_to(address):
    return [email for email in mail.outbox if address in email.to]


def links_in(email):
    return re.findall(r"http://\S+", email.body)


def path_of(link, settings):
    assert link.startswith(settings.SITE_URL), link
    return link.removeprefix(settings.SITE_URL)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def page(response):
    return response.content.decode()


REQUEST_FIELDS = {
    "title": "Carers’ strategy workshop",
    "purpose": InvolvementRequest.Purpose.MEETING,
    "date": TODAY() + datetime.timedelta(days=10),
    "hours": Decimal("2"),
    "location": "Civic Hall, Leeds",
    "description": "Help us plan the carers’ strategy.",
}


# --- Asking -------------------------------------------------------------------------------


def test_staff_ask_for_their_own_council_and_everyone_is_told(
    staff, regional, national, leader, commits, settings
):
    skill = Skill.objects.first()

    created = commits(
        lambda: involvement.request_create(
            requester=staff, leaders=[leader], skills=[skill], **REQUEST_FIELDS
        )
    )

    created.refresh_from_db()
    assert created.local_authority.gss_code == LEEDS
    assert created.status == Status.OPEN
    assert list(created.leaders.all()) == [leader]
    assert list(created.skills.all()) == [skill]
    (confirmation,) = sent_to(staff.email)
    assert created.reference in confirmation.subject
    assert created.reference in confirmation.body
    assert path_of(links_in(confirmation)[-1], settings) == created.get_absolute_url()
    # Yorkshire has a regional coordinator, so the national one is not troubled.
    (new,) = sent_to(regional.email)
    assert new.to == [regional.email]
    assert "Leeds" in new.subject
    assert reverse("admin:leaders_involvementrequest_change", args=[created.pk]) in new.body
    assert not sent_to(national.email)
    for email in mail.outbox:
        assert "Lena Leader" in email.body
        for private in PRIVATE:
            assert private not in email.body


def test_national_coordinators_hear_of_requests_from_a_region_without_a_regional_one(
    regional, national, commits
):
    westminster_staff = staff_of(WESTMINSTER)

    commits(
        lambda: involvement.request_create(
            requester=westminster_staff, skills=Skill.objects.all()[:1], **REQUEST_FIELDS
        )
    )

    assert sent_to(national.email)
    assert not sent_to(regional.email)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"leaders": [], "skills": []}, "Choose particular leaders, or the skills you want"),
        ({"date": TODAY() - datetime.timedelta(days=1)}, "The date must be today or in the future"),
        ({"purpose": "other", "purpose_other": ""}, "Enter what it is for"),
        ({"location": "", "online": False}, "Enter where it is"),
        ({"payment_offered": True, "payment_details": ""}, "Enter what you will pay"),
        ({"hours": Decimal("30")}, "How long must be more than 0 and at most 24 hours"),
    ],
)
def test_a_request_that_breaks_a_rule_is_refused_and_nothing_is_saved(
    staff, leader, commits, changes, message
):
    fields = {**REQUEST_FIELDS, "leaders": [leader], "skills": [], **changes}

    with pytest.raises(ValidationError, match=message):
        commits(lambda: involvement.request_create(requester=staff, **fields))

    assert not InvolvementRequest.objects.exists()
    assert mail.outbox == []


def test_leaders_outside_the_directory_cannot_be_asked_for(staff):
    hidden = LeaderFactory(in_directory=False)

    with pytest.raises(ValidationError, match="Choose leaders who are in the directory"):
        involvement.request_create(requester=staff, leaders=[hidden], **REQUEST_FIELDS)

    assert not InvolvementRequest.objects.exists()


@pytest.mark.parametrize("role", [Role.REGIONAL_COORDINATOR, Role.LEADER, Role.MEMBER])
def test_only_council_staff_can_ask(role):
    with pytest.raises(ValidationError, match="Only council staff"):
        involvement.request_create(
            requester=make_person(role), skills=Skill.objects.all()[:1], **REQUEST_FIELDS
        )

    assert not InvolvementRequest.objects.exists()


# --- Matching and answering ------------------------------------------------------------------


def test_a_coordinator_matches_leaders_who_are_offered_it_by_email(
    staff, regional, leader, commits, settings
):
    other = LeaderFactory(in_directory=True, user__full_name="Omar Other")
    request = a_request(staff)

    matches = commits(
        lambda: involvement.request_match(
            involvement_request=request, leaders=[leader, other], by=regional
        )
    )

    request.refresh_from_db()
    assert request.status == Status.MATCHED
    assert [(m.leader, m.status, m.matched_by) for m in matches] == [
        (leader, Answer.OFFERED, regional),
        (other, Answer.OFFERED, regional),
    ]
    (offer,) = sent_to(leader.user.email)
    assert request.title in offer.subject
    match = matches[0]
    assert path_of(links_in(offer)[-1], settings) == reverse("leaders:offer", args=[match.pk])
    (matched,) = sent_to(staff.email)
    assert "Lena Leader" in matched.body and "Omar Other" in matched.body
    for private in [*PRIVATE, other.user.email]:
        assert private not in matched.body


def test_matching_refuses_leaders_outside_the_directory_or_already_matched(staff, regional):
    request = a_request(staff)
    matched = InvolvementMatchFactory(request=request).leader
    paused = LeaderFactory(in_directory=True, status="paused", user__full_name="Pat Paused")

    with pytest.raises(ValidationError, match="Not in it: Pat Paused"):
        involvement.request_match(involvement_request=request, leaders=[paused], by=regional)
    with pytest.raises(ValidationError, match="Already matched"):
        involvement.request_match(involvement_request=request, leaders=[matched], by=regional)

    assert request.matches.count() == 1


def test_only_a_coordinator_for_the_council_can_match(staff, leader):
    request = a_request(staff)
    london = make_person(Role.REGIONAL_COORDINATOR)
    london.staff_role.region = council(WESTMINSTER).region
    london.staff_role.save()

    for someone in [staff, london, leader.user]:
        with pytest.raises(ValidationError, match="Only a coordinator"):
            involvement.request_match(involvement_request=request, leaders=[leader], by=someone)

    assert not request.matches.exists()


def test_a_closed_request_cannot_be_matched(staff, regional, leader):
    request = a_request(staff, status=Status.CANCELLED, cancelled_at=timezone.now())

    with pytest.raises(ValidationError, match="it has been cancelled"):
        involvement.request_match(involvement_request=request, leaders=[leader], by=regional)


def test_a_leader_accepts_once_and_the_council_and_coordinators_are_told(
    staff, regional, leader, commits
):
    match = InvolvementMatchFactory(request=a_request(staff, status=Status.MATCHED), leader=leader)

    commits(lambda: involvement.match_accept(match=match, by=leader.user))

    match.refresh_from_db()
    assert match.status == Answer.ACCEPTED
    assert match.responded_at is not None
    assert match.request.status == Status.ACCEPTED
    (to_staff,) = sent_to(staff.email)
    assert "Lena Leader can take part" in to_staff.subject
    assert sent_to(regional.email)

    with pytest.raises(ValidationError, match="You have already accepted this offer"):
        involvement.match_accept(match=match, by=leader.user)


def test_a_leader_cannot_answer_another_leaders_offer(staff, leader):
    match = InvolvementMatchFactory(request=a_request(staff))
    before = model_to_dict(match)

    for answer in (involvement.match_accept, involvement.match_decline):
        with pytest.raises(ValidationError, match="This offer is for another leader"):
            answer(match=match, by=leader.user)

    match.refresh_from_db()
    assert model_to_dict(match) == before


def test_a_decline_reason_goes_to_the_coordinators_only(staff, regional, leader, commits):
    match = InvolvementMatchFactory(request=a_request(staff, status=Status.MATCHED), leader=leader)

    commits(
        lambda: involvement.match_decline(match=match, by=leader.user, reason="My hospital day")
    )

    match.refresh_from_db()
    assert (match.status, match.decline_reason) == (Answer.DECLINED, "My hospital day")
    assert match.request.status == Status.OPEN  # no live offer left
    (to_staff,) = sent_to(staff.email)
    assert "cannot take part" in to_staff.subject
    assert "My hospital day" not in to_staff.body
    (to_coordinator,) = sent_to(regional.email)
    assert "My hospital day" in to_coordinator.body


@pytest.mark.parametrize(
    ("answers", "status"),
    [
        ([], Status.OPEN),
        ([Answer.DECLINED, Answer.WITHDRAWN], Status.OPEN),
        ([Answer.OFFERED, Answer.DECLINED], Status.MATCHED),
        ([Answer.OFFERED, Answer.ACCEPTED], Status.ACCEPTED),
        ([Answer.DECLINED, Answer.ACCEPTED], Status.ACCEPTED),
    ],
)
def test_a_requests_status_comes_from_its_leaders_answers(staff, answers, status):
    request = a_request(staff)
    for answer in answers:
        InvolvementMatchFactory(request=request, status=answer)

    assert involvement.request_status_from_matches(request) == status


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CANCELLED])
def test_completed_and_cancelled_requests_keep_their_status(staff, status):
    request = a_request(
        staff, status=status, completed_at=timezone.now(), cancelled_at=timezone.now()
    )
    InvolvementMatchFactory(request=request, status=Answer.OFFERED)

    assert involvement.request_status_from_matches(request) == status


# --- Completing, cancelling, feedback ------------------------------------------------------


def test_a_request_cannot_be_completed_before_its_date(staff, leader):
    request = a_request(staff, status=Status.ACCEPTED)
    InvolvementMatchFactory(request=request, leader=leader, status=Answer.ACCEPTED)

    with pytest.raises(ValidationError, match="before it has happened"):
        involvement.request_complete(involvement_request=request, by=staff)

    request.refresh_from_db()
    assert request.status == Status.ACCEPTED


def test_a_request_cannot_be_completed_when_nobody_accepted(staff, regional):
    request = happened(staff, status=Status.MATCHED)
    InvolvementMatchFactory(request=request, status=Answer.OFFERED)

    for someone in (staff, regional):
        with pytest.raises(ValidationError, match="no leader has accepted it"):
            involvement.request_complete(involvement_request=request, by=someone)

    request.refresh_from_db()
    assert request.status == Status.MATCHED


def test_completing_asks_those_who_took_part_to_confirm_and_the_council_for_feedback(
    staff, leader, commits, settings
):
    request = happened(staff, status=Status.ACCEPTED)
    took_part = InvolvementMatchFactory(request=request, leader=leader, status=Answer.ACCEPTED)
    never_answered = InvolvementMatchFactory(request=request, status=Answer.OFFERED)
    declined = InvolvementMatchFactory(request=request, status=Answer.DECLINED)

    commits(lambda: involvement.request_complete(involvement_request=request, by=staff))

    request.refresh_from_db()
    assert request.status == Status.COMPLETED
    assert request.completed_at is not None
    never_answered.refresh_from_db()
    assert never_answered.status == Answer.WITHDRAWN
    (confirm,) = sent_to(leader.user.email)
    assert path_of(links_in(confirm)[0], settings) == reverse(
        "leaders:offer_activity", args=[took_part.pk]
    )
    (feedback,) = sent_to(staff.email)
    assert path_of(links_in(feedback)[0], settings) == reverse(
        "requests:feedback", args=[request.pk]
    )
    assert not sent_to(declined.leader.user.email)
    assert not sent_to(never_answered.leader.user.email)

    with pytest.raises(ValidationError, match="already been completed"):
        involvement.request_complete(involvement_request=request, by=staff)


def test_staff_of_another_council_cannot_complete_or_cancel(staff):
    request = happened(staff, status=Status.ACCEPTED)
    InvolvementMatchFactory(request=request, status=Answer.ACCEPTED)
    bradford = staff_of(BRADFORD)

    with pytest.raises(ValidationError, match="Only the council's staff or a coordinator"):
        involvement.request_complete(involvement_request=request, by=bradford)
    with pytest.raises(ValidationError, match="Only the council's staff or a coordinator"):
        involvement.request_cancel(involvement_request=request, by=bradford)

    request.refresh_from_db()
    assert request.status == Status.ACCEPTED


def test_staff_cancel_and_the_leaders_put_forward_and_coordinators_are_told(
    staff, regional, leader, commits
):
    request = a_request(staff, status=Status.ACCEPTED)
    InvolvementMatchFactory(request=request, leader=leader, status=Answer.ACCEPTED)
    waiting = InvolvementMatchFactory(request=request, status=Answer.OFFERED)
    declined = InvolvementMatchFactory(request=request, status=Answer.DECLINED)

    commits(
        lambda: involvement.request_cancel(
            involvement_request=request, by=staff, reason="The venue flooded"
        )
    )

    request.refresh_from_db()
    assert (request.status, request.cancel_reason) == (Status.CANCELLED, "The venue flooded")
    waiting.refresh_from_db()
    assert waiting.status == Answer.WITHDRAWN
    assert "The venue flooded" in sent_to(leader.user.email)[0].body
    assert sent_to(waiting.leader.user.email)
    assert not sent_to(declined.leader.user.email)
    assert sent_to(regional.email)
    assert not sent_to(staff.email)  # they did it themselves


def test_a_coordinator_cancelling_tells_the_requester(staff, regional, commits):
    request = a_request(staff)

    commits(lambda: involvement.request_cancel(involvement_request=request, by=regional))

    (told,) = sent_to(staff.email)
    assert "A coordinator has cancelled" in told.body


def test_a_completed_request_cannot_be_cancelled(staff):
    request = happened(staff, status=Status.COMPLETED, completed_at=timezone.now())

    with pytest.raises(ValidationError, match="it has been completed"):
        involvement.request_cancel(involvement_request=request, by=staff)

    request.refresh_from_db()
    assert request.status == Status.COMPLETED


def test_feedback_is_given_after_completion_and_sent_to_the_coordinators(staff, regional, commits):
    request = happened(staff, status=Status.ACCEPTED)
    with pytest.raises(ValidationError, match="once the request has been completed"):
        involvement.request_feedback(involvement_request=request, by=staff, feedback="Great")

    request.status, request.completed_at = Status.COMPLETED, timezone.now()
    request.save()
    commits(
        lambda: involvement.request_feedback(
            involvement_request=request, by=staff, feedback="Lena was brilliant"
        )
    )

    request.refresh_from_db()
    assert request.feedback == "Lena was brilliant"
    assert request.feedback_at is not None
    assert "Lena was brilliant" in sent_to(regional.email)[0].body
    with pytest.raises(ValidationError, match="Only the council's staff"):
        involvement.request_feedback(involvement_request=request, by=regional, feedback="x")


def test_the_activity_from_a_request_is_created_once(staff, leader):
    request = happened(staff, status=Status.COMPLETED, completed_at=timezone.now())
    match = InvolvementMatchFactory(request=request, leader=leader, status=Answer.ACCEPTED)
    fields = involvement.match_activity_initial(match)
    fields.update(local_authority=request.local_authority)

    activity = involvement.match_activity_create(match=match, by=leader.user, **fields)

    match.refresh_from_db()
    assert match.activity == activity
    assert (activity.kind, activity.status) == (Activity.Kind.LOCAL_MEETING, "pending")
    with pytest.raises(ValidationError, match="already confirmed"):
        involvement.match_activity_create(match=match, by=leader.user, **fields)
    assert leader.activities.count() == 1


# --- Who may use the pages ---------------------------------------------------------------

STEP_PAGES = ["requests:cancel", "requests:complete", "requests:feedback"]
OBJECT_PAGES = ["requests:detail", *STEP_PAGES]


def url_of(name, request=None):
    return reverse(name, args=[request.pk]) if name in OBJECT_PAGES else reverse(name)


@pytest.mark.parametrize("name", ["requests:list", "requests:create", *OBJECT_PAGES])
def test_visitors_are_sent_to_log_in_and_people_without_a_staff_role_are_refused(
    client, staff, name
):
    url = url_of(name, a_request(staff))

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"

    for role in [Role.MEMBER, Role.APPLICANT, Role.LEADER]:
        client.force_login(make_person(role))
        assert client.get(url).status_code == 403, role
        assert client.post(url, {}).status_code == 403, role


def test_council_staff_may_use_every_page_for_their_own_requests(client, staff):
    request = happened(staff, status=Status.COMPLETED, completed_at=timezone.now())
    client.force_login(staff)

    for name in ["requests:list", "requests:create", *OBJECT_PAGES]:
        assert client.get(url_of(name, request)).status_code == 200, name


@pytest.mark.parametrize("name", OBJECT_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_of_another_council_do_not_find_its_requests(client, staff, name, method):
    request = happened(staff, status=Status.ACCEPTED)
    InvolvementMatchFactory(request=request, status=Answer.ACCEPTED)
    before = model_to_dict(request)
    client.force_login(staff_of(BRADFORD))

    response = getattr(client, method)(url_of(name, request), {"reason": "x", "feedback": "x"})

    # The detail page takes no POST from anyone (405), which says nothing about the request.
    expected = 405 if (method, name) == ("post", "requests:detail") else 404
    assert response.status_code == expected
    request.refresh_from_db()
    assert model_to_dict(request) == before


def test_coordinators_read_requests_in_their_scope_only(client, staff, regional, national):
    leeds = a_request(staff, title="Leeds workshop")
    westminster = a_request(staff_of(WESTMINSTER), title="Westminster panel")

    client.force_login(regional)
    listed = page(client.get(reverse("requests:list")))
    assert "Leeds workshop" in listed and "Westminster panel" not in listed
    assert client.get(leeds.get_absolute_url()).status_code == 200
    assert client.get(westminster.get_absolute_url()).status_code == 404

    client.force_login(national)
    listed = page(client.get(reverse("requests:list")))
    assert "Leeds workshop" in listed and "Westminster panel" in listed
    detail = page(client.get(westminster.get_absolute_url()))
    assert reverse("admin:leaders_involvementrequest_change", args=[westminster.pk]) in detail
    assert reverse("requests:cancel", args=[westminster.pk]) not in detail


@pytest.mark.parametrize("name", ["requests:create", *STEP_PAGES])
def test_coordinators_cannot_ask_or_act_on_the_council_pages(client, staff, regional, name):
    request = happened(staff, status=Status.ACCEPTED)
    before = model_to_dict(request)
    client.force_login(regional)

    assert client.get(url_of(name, request)).status_code == 403
    assert client.post(url_of(name, request), {"reason": "x"}).status_code == 403
    request.refresh_from_db()
    assert model_to_dict(request) == before


# --- The council's list ---------------------------------------------------------------------


def test_the_list_shows_the_councils_requests_newest_first_with_a_status_filter(client, staff):
    colleague = staff_of(LEEDS)
    older = a_request(staff, title="Older request")
    newer = a_request(colleague, title="Newer request", status=Status.MATCHED)
    a_request(staff_of(BRADFORD), title="Bradford request")
    client.force_login(staff)

    response = client.get(reverse("requests:list"))

    assert list(response.context["requests"]) == [newer, older]
    content = page(response)
    assert "Bradford request" not in content
    assert ">Matched</strong>" in content and ">Open</strong>" in content

    filtered = client.get(reverse("requests:list"), {"status": "matched"})
    assert list(filtered.context["requests"]) == [newer]
    assert "<title>Requests for involvement: matched" in page(filtered)


# --- Asking, on the page ---------------------------------------------------------------------


def form_data(**changes):
    day = TODAY() + datetime.timedelta(days=20)
    data = {
        "purpose": "meeting",
        "purpose_other": "",
        "title": "Carers’ strategy workshop",
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "start_time": "2:30pm",
        "hours": "2.5",
        "where": "in_person",
        "location": "Civic Hall, Leeds",
        "expenses_offered": "yes",
        "payment_offered": "yes",
        "payment_details": "£25 an hour",
        "description": "Help us plan the strategy.",
        "skills": [str(Skill.objects.first().pk)],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_ask_for_a_leaders_involvement_from_their_page(client, staff, leader, commits):
    client.force_login(staff)
    url = f"{reverse('requests:create')}?leader={leader.pk}"

    form = client.get(url)
    content = page(form)
    assert "You are asking for <strong>Lena Leader</strong>’s involvement" in content
    assert re.search(rf'value="{leader.pk}"\s+checked', content)
    for private in PRIVATE:
        assert private not in content

    response = commits(lambda: client.post(url, form_data(leaders=[str(leader.pk)])))

    created = InvolvementRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert messages_of(response) == [
        f"Request sent. Your reference number is {created.reference}. "
        "We have emailed you a confirmation"
    ]
    assert created.requester == staff
    assert created.local_authority.gss_code == LEEDS
    assert created.start_time == datetime.time(14, 30)
    assert created.hours == Decimal("2.5")
    assert (created.online, created.location) == (False, "Civic Hall, Leeds")
    assert (created.payment_offered, created.payment_details) == (True, "£25 an hour")
    assert created.expenses_offered
    assert list(created.leaders.all()) == [leader]
    assert sent_to(staff.email)


def test_the_further_questions_are_shown_under_their_answers(client, staff):
    client.force_login(staff)

    content = page(client.get(reverse("requests:create")))

    # Always shown, so they work with or without JavaScript.
    for question in [
        "conditional-id_purpose-6",
        "conditional-id_where-2",
        "conditional-id_payment_offered",
    ]:
        assert f'id="{question}"' in content
    assert "govuk-radios__conditional--hidden" not in content
    assert 'name="purpose_other"' in content
    assert 'name="location"' in content
    assert 'name="payment_details"' in content


def test_online_requests_need_no_place_and_offered_nothing_needs_no_details(client, staff):
    client.force_login(staff)

    client.post(
        reverse("requests:create"),
        form_data(where="online", location="", payment_offered="no", payment_details="£5"),
    )

    created = InvolvementRequest.objects.get()
    assert (created.online, created.location) == (True, "")
    assert (created.payment_offered, created.payment_details) == (False, "")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"purpose": None}, "purpose", "Select what you would like their involvement in"),
        ({"purpose": "other"}, "purpose_other", "Enter what it is"),
        ({"title": ""}, "title", "Enter a short title"),
        ({"title": "x" * 201}, "title", "The title must be 200 characters or fewer"),
        ({"date_day": "", "date_month": "", "date_year": ""}, "date", "Enter the date"),
        ({"date_month": ""}, "date", "The date must include a month"),
        ({"date_day": "31", "date_month": "2"}, "date", "The date must be a real date"),
        ({"date_year": "2020"}, "date", "The date must be today or in the future"),
        ({"start_time": "teatime"}, "start_time", "Enter a start time, like 10am"),
        ({"hours": ""}, "hours", "Enter how long it will take, in hours"),
        ({"hours": "lots"}, "hours", "How long must be a number of hours"),
        ({"hours": "25"}, "hours", "Enter hours between 0.25 and 24"),
        ({"where": None}, "where", "Select online or in person"),
        ({"location": ""}, "location", "Enter where it is"),
        ({"expenses_offered": None}, "expenses_offered", "Select yes if you will pay expenses"),
        ({"payment_offered": None}, "payment_offered", "Select yes if you will pay for"),
        ({"payment_details": ""}, "payment_details", "Enter what you will pay"),
        ({"description": ""}, "description", "Describe what it involves"),
        ({"skills": None}, "leaders", "Choose particular leaders, or the skills you want"),
        ({"skills": ["999999"]}, "skills", "Choose skills from the list"),
        ({"leaders": ["999999"]}, "leaders", "Choose leaders from the list"),
    ],
)
def test_a_wrong_answer_is_explained_and_nothing_is_saved(
    client, staff, leader, changes, field, message
):
    client.force_login(staff)

    response = client.post(reverse("requests:create"), form_data(**changes))

    assert response.status_code == 200
    content = page(response)
    assert "<title>Error: Ask for a Citizen Leader’s involvement" in content
    assert "There is a problem" in content
    assert message in response.context["form"].errors[field][0]
    assert f'href="#id_{field}"' in content  # the error summary links to the field
    assert not InvolvementRequest.objects.exists()
    assert mail.outbox == []


def test_a_leader_no_longer_in_the_directory_is_not_offered(client, staff):
    gone = LeaderFactory(in_directory=False, user__full_name="Gone Away")
    client.force_login(staff)

    content = page(client.get(f"{reverse('requests:create')}?leader={gone.pk}"))

    assert "no longer in the directory" in content
    assert "Gone Away" not in content


# --- Where a request stands, on the page ------------------------------------------------------


def test_staff_see_where_their_request_stands_at_each_step(
    client, staff, regional, leader, commits
):
    request = a_request(staff, date=TODAY())
    client.force_login(staff)

    def detail():
        return page(client.get(request.get_absolute_url()))

    assert ">Open</strong>" in detail()
    assert "No leaders have been put forward yet" in detail()

    involvement.request_match(involvement_request=request, leaders=[leader], by=regional)
    content = detail()
    assert ">Matched</strong>" in content
    assert "Lena Leader" in content and "Waiting for an answer" in content
    assert reverse("requests:complete", args=[request.pk]) not in content

    match = request.matches.get()
    involvement.match_accept(match=match, by=leader.user)
    content = detail()
    assert ">Accepted</strong>" in content
    for private in PRIVATE:
        assert private not in content

    response = commits(lambda: client.post(reverse("requests:complete", args=[request.pk])))
    assert response["Location"] == request.get_absolute_url()
    content = detail()
    assert ">Completed</strong>" in content
    assert reverse("requests:feedback", args=[request.pk]) in content
    assert reverse("requests:cancel", args=[request.pk]) not in content


def test_the_complete_page_says_why_not_yet_and_changes_nothing(client, staff):
    request = a_request(staff, status=Status.ACCEPTED)
    InvolvementMatchFactory(request=request, status=Answer.ACCEPTED)
    client.force_login(staff)
    url = reverse("requests:complete", args=[request.pk])

    assert "before it has happened" in page(client.get(url))
    response = client.post(url)

    assert response["Location"] == request.get_absolute_url()
    assert "before it has happened" in messages_of(response)[0]
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED


def test_staff_cancel_with_a_reason(client, staff, commits):
    request = a_request(staff)
    client.force_login(staff)
    url = reverse("requests:cancel", args=[request.pk])

    assert "Are you sure you want to cancel this request?" in page(client.get(url))
    response = commits(lambda: client.post(url, {"reason": "No longer needed"}))

    assert response["Location"] == request.get_absolute_url()
    request.refresh_from_db()
    assert (request.status, request.cancel_reason) == (Status.CANCELLED, "No longer needed")
    content = page(client.get(request.get_absolute_url()))
    assert ">Cancelled</strong>" in content and "No longer needed" in content
    assert "You cannot cancel this request" in page(client.get(url))


def test_feedback_needs_words_and_is_saved_once_given(client, staff):
    request = happened(staff, status=Status.COMPLETED, completed_at=timezone.now())
    client.force_login(staff)
    url = reverse("requests:feedback", args=[request.pk])

    empty = client.post(url, {"feedback": "  "})
    assert empty.status_code == 200
    assert "Enter your feedback" in page(empty)
    assert "<title>Error: " in page(empty)
    request.refresh_from_db()
    assert request.feedback == ""

    response = client.post(url, {"feedback": "It went well"})
    assert response["Location"] == request.get_absolute_url()
    request.refresh_from_db()
    assert request.feedback == "It went well"


# --- The leader's side ---------------------------------------------------------------------------


@pytest.fixture
def offered(staff, leader):
    return InvolvementMatchFactory(
        request=a_request(
            staff,
            title="Train our social workers",
            purpose="team_training",
            status=Status.MATCHED,
            start_time=datetime.time(10, 0),
            payment_offered=True,
            payment_details="£25 an hour",
        ),
        leader=leader,
    )


def test_a_leader_sees_offers_on_their_account_page_and_the_offer_in_full(client, leader, offered):
    client.force_login(leader.user)

    home = page(client.get(reverse("me")))
    assert "Requests for your involvement" in home
    assert reverse("leaders:offer", args=[offered.pk]) in home

    assert reverse("leaders:offer", args=[offered.pk]) in page(
        client.get(reverse("leaders:offers"))
    )
    content = page(client.get(reverse("leaders:offer", args=[offered.pk])))
    for text in [
        "Train our social workers",
        "Training a team",
        "at 10am",
        "2 hours",
        "£25 an hour",
        "Civic Hall, Calverley Street, Leeds",
        "Leeds",
    ]:
        assert text in content, text
    assert 'value="accept"' in content and 'value="decline"' in content


def test_a_leader_accepts_on_the_page_and_cannot_accept_twice(
    client, leader, offered, staff, commits
):
    client.force_login(leader.user)
    url = reverse("leaders:offer", args=[offered.pk])

    response = commits(lambda: client.post(url, {"answer": "accept"}))

    assert response["Location"] == url
    assert messages_of(response) == ["You have accepted. We have told Leeds and the coordinators"]
    offered.refresh_from_db()
    assert offered.status == Answer.ACCEPTED
    assert sent_to(staff.email)

    again = client.post(url, {"answer": "accept"})
    assert messages_of(again)[-1] == "You have already accepted this offer."
    assert 'value="accept"' not in page(client.get(url))


def test_a_leader_declines_with_a_reason(client, leader, offered):
    client.force_login(leader.user)

    client.post(
        reverse("leaders:offer", args=[offered.pk]),
        {"answer": "decline", "reason": "I am away that week"},
    )

    offered.refresh_from_db()
    assert (offered.status, offered.decline_reason) == (Answer.DECLINED, "I am away that week")


@pytest.mark.parametrize("name", ["leaders:offer", "leaders:offer_activity"])
def test_a_leader_cannot_see_or_answer_another_leaders_offer(client, offered, name):
    before = model_to_dict(offered)
    client.force_login(make_person(Role.LEADER))
    url = reverse(name, args=[offered.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "accept"}).status_code == 404
    offered.refresh_from_db()
    assert model_to_dict(offered) == before


@pytest.mark.parametrize("name", ["leaders:offers", "leaders:offer", "leaders:offer_activity"])
def test_the_offer_pages_are_for_leaders_only(client, offered, staff, name):
    url = reverse(name, args=[offered.pk]) if name != "leaders:offers" else reverse(name)

    assert client.get(url)["Location"] == f"{reverse('account_login')}?next={url}"
    for someone in [staff, make_person(Role.MEMBER), make_person(Role.REGIONAL_COORDINATOR)]:
        client.force_login(someone)
        assert client.get(url).status_code == 403


def test_the_activity_is_confirmed_once_from_the_completed_request(client, staff, leader):
    request = happened(
        staff,
        purpose="team_training",
        hours=Decimal("1.5"),
        status=Status.COMPLETED,
        completed_at=timezone.now(),
    )
    match = InvolvementMatchFactory(request=request, leader=leader, status=Answer.ACCEPTED)
    client.force_login(leader.user)
    url = reverse("leaders:offer_activity", args=[match.pk])

    assert reverse("leaders:offer_activity", args=[match.pk]) in page(client.get(reverse("me")))
    form = client.get(url).context["form"]
    assert form.initial["kind"] == Activity.Kind.STAFF_TRAINING
    assert form.initial["date"] == request.date
    assert form.initial["hours"] == "1.5"
    assert form.initial["local_authority"] == request.local_authority_id
    assert request.title in form.initial["description"]

    day = request.date
    response = client.post(
        url,
        {
            "kind": "staff_training",
            "date_day": day.day,
            "date_month": day.month,
            "date_year": day.year,
            "hours": "1.5",
            "local_authority": request.local_authority_id,
            "description": form.initial["description"],
        },
    )

    activity = leader.activities.get()
    assert response["Location"] == activity.get_absolute_url()
    match.refresh_from_db()
    assert match.activity == activity
    assert (activity.kind, activity.hours, activity.status) == (
        "staff_training",
        Decimal("1.5"),
        "pending",
    )
    log = page(client.get(reverse("leaders:activities")))
    assert activity.get_absolute_url() in log
    assert "Delivered training to council staff" in log

    # Once only: a second visit, or a second send, leads to the activity.
    assert client.get(url)["Location"] == activity.get_absolute_url()
    again = client.post(url, {"kind": "other"})
    assert again["Location"] == activity.get_absolute_url()
    assert leader.activities.count() == 1


def test_the_activity_cannot_be_confirmed_before_completion(client, leader, offered):
    offered.status = Answer.ACCEPTED
    offered.save()
    client.force_login(leader.user)

    response = client.get(reverse("leaders:offer_activity", args=[offered.pk]))

    assert response["Location"] == reverse("leaders:offer", args=[offered.pk])
    assert not leader.activities.exists()

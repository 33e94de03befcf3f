"""A Citizen Leader's own pages: the account page, profile, training and the
activity log (stories are in test_stories.py, data in test_data.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citizenleaders.roles import Role
from leaders.models import Activity, Interest, Leader, Module, Skill, TrainingRecord
from tests.conftest import make_person
from tests.leaders.factories import (
    ActivityFactory,
    ApplicationFactory,
    LeaderFactory,
    StoryFactory,
    TrainingRecordFactory,
    council,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


@pytest.fixture
def leader():
    return make_person(Role.LEADER, full_name="Ada Lovelace").leader


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader.user)
    return client


def page(response) -> str:
    return response.content.decode()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- Who may use the pages --------------------------------------------------------

LEADER_PAGES = [
    ("leaders:profile", False),
    ("leaders:training", False),
    ("leaders:activities", False),
    ("leaders:activity_add", False),
    ("leaders:activity_edit", True),
    ("leaders:activity_delete", True),
    ("leaders:stories", False),
    ("leaders:story_add", False),
    ("leaders:story_detail", True),
    ("leaders:story_edit", True),
    ("leaders:story_withdraw", True),
]


def leader_page_url(name, needs_record, leader):
    if not needs_record:
        return reverse(name)
    if "activity" in name:
        return reverse(name, args=[ActivityFactory(leader=leader).pk])
    return reverse(name, args=[StoryFactory(leader=leader).pk])


@pytest.mark.parametrize(("name", "needs_record"), LEADER_PAGES)
def test_leader_pages_are_for_leaders_only(client, leader, name, needs_record):
    url = leader_page_url(name, needs_record, leader)

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"{reverse('account_login')}?next={url}"

    for role in [Role.MEMBER, Role.APPLICANT, Role.COUNCIL_STAFF]:
        client.force_login(make_person(role))
        assert client.get(url).status_code == 403, role

    client.force_login(leader.user)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("name", "needs_record"), [page for page in LEADER_PAGES if page[1]])
def test_another_leaders_records_are_not_found(leader_client, name, needs_record):
    someone_else = LeaderFactory()
    url = leader_page_url(name, needs_record, someone_else)

    assert leader_client.get(url).status_code == 404
    if name != "leaders:story_detail":  # the others take a POST too
        assert leader_client.post(url, {}).status_code == 404


# --- The account page, /me/ ---------------------------------------------------------


def test_an_active_leader_sees_their_status_next_step_and_records(leader_client, leader):
    this_year = TODAY().replace(month=1, day=1)
    ActivityFactory(leader=leader, date=this_year, hours=Decimal("2.5"), people_reached=10)
    ActivityFactory(leader=leader, kind=Activity.Kind.PEER_SUPPORT, date=this_year, hours=1)
    StoryFactory(leader=leader, title="Choosing my own support")

    content = page(leader_client.get(reverse("me")))

    assert "Your role as a Citizen Leader" in content
    assert ">Active</strong>" in content
    assert reverse("leaders:activity_add") in content
    assert "Attended a local meeting" in content
    assert "Gave peer support" in content
    assert "Choosing my own support" in content
    assert ">3.5</dd>" in content  # hours this year
    assert ">10</dd>" in content  # people reached this year
    for name in ["profile", "training", "activities", "stories", "data", "close"]:
        assert reverse(f"leaders:{name}") in content


def test_a_leader_in_training_is_told_their_next_module(client):
    user = make_person(Role.LEADER)
    leader = user.leader
    leader.status = Leader.Status.IN_TRAINING
    leader.save()
    required = list(Module.objects.filter(is_required=True))
    TrainingRecordFactory(leader=leader, module=required[0])
    TrainingRecord.objects.create(
        leader=leader,
        module=required[1],
        status=TrainingRecord.Status.BOOKED,
        session_date=datetime.date(2030, 5, 14),
    )
    client.force_login(user)

    content = page(client.get(reverse("me")))

    assert ">In training</strong>" in content
    assert f"You have completed 1 of {len(required)} required modules." in content
    assert f"Complete the training module “{required[1].title}”" in content
    assert "You are booked on a session on 14 May 2030" in content


def test_a_paused_leader_is_told_how_to_start_again(client, settings):
    user = make_person(Role.LEADER)
    Leader.objects.filter(user=user).update(status=Leader.Status.PAUSED)
    client.force_login(user)

    content = page(client.get(reverse("me")))

    assert ">Paused</strong>" in content
    assert "Your role is paused" in content
    assert settings.SUPPORT_EMAIL in content


def test_an_applicant_sees_their_latest_application(client):
    user = make_person(Role.APPLICANT)
    older = user.applications.get()
    older.status = "withdrawn"
    older.save()
    latest = ApplicationFactory(user=user)
    client.force_login(user)

    response = client.get(reverse("me"))

    assert response.context["application"] == latest
    assert "Your role as a Citizen Leader" not in page(response)
    assert "Apply to become a Citizen Leader" not in page(response)


def test_a_member_is_shown_how_to_apply(client, member):
    client.force_login(member)

    content = page(client.get(reverse("me")))

    assert "Apply to become a Citizen Leader" in content
    assert 'href="/apply/' in content
    assert reverse("leaders:data") in content
    assert reverse("leaders:close") in content


def test_staff_are_not_asked_to_apply(client, council_staff):
    client.force_login(council_staff)

    content = page(client.get(reverse("me")))

    assert "Apply to become a Citizen Leader" not in content
    assert reverse("leaders:data") in content


def test_the_account_page_runs_the_same_queries_however_many_records(leader_client, leader):
    ActivityFactory(leader=leader)
    StoryFactory(leader=leader)
    few = count_queries(leader_client, reverse("me"))
    ActivityFactory.create_batch(12, leader=leader)
    StoryFactory.create_batch(8, leader=leader)
    for module in Module.objects.all()[:3]:
        TrainingRecordFactory(leader=leader, module=module)

    assert count_queries(leader_client, reverse("me")) == few


# --- Profile -------------------------------------------------------------------------


def profile_answers(**changes):
    answers = {
        "preferred_name": "Ada",
        "phone": "07700 900 982",
        "bio": "I use a direct payment and help others do the same.",
        "interests": [Interest.objects.get(slug="peer-support").pk],
        "skills": [Skill.objects.get(slug="public-speaking").pk],
        "other_skills": "Knitting",
        "days": ["monday", "friday"],
        "times": ["evenings"],
        "ways": ["online"],
        "travel": "region",
        "in_directory": "yes",
        "directory_shows_email": "on",
        "contact_methods": ["email", "text"],
        "formats": ["large_print"],
        "access_needs": "A hearing loop, please.",
    }
    answers.update(changes)
    return {key: value for key, value in answers.items() if value is not None}


def test_a_leader_updates_their_profile(leader_client, leader):
    response = leader_client.post(reverse("leaders:profile"), profile_answers())

    assert response.status_code == 302
    assert response["Location"] == reverse("leaders:profile")
    leader.refresh_from_db()
    assert leader.preferred_name == "Ada"
    assert leader.phone == "07700 900 982"
    assert leader.bio.startswith("I use a direct payment")
    assert [interest.slug for interest in leader.interests.all()] == ["peer-support"]
    assert [skill.slug for skill in leader.skills.all()] == ["public-speaking"]
    assert leader.days == ["monday", "friday"]
    assert (leader.available_daytime, leader.available_evenings) == (False, True)
    assert (leader.available_online, leader.available_in_person) == (True, False)
    assert leader.travel == "region"
    assert leader.in_directory and leader.directory_shows_email
    assert leader.contact_methods == ["email", "text"]
    assert leader.formats == ["large_print"]
    assert leader.access_needs == "A hearing loop, please."
    follow = leader_client.get(response["Location"])
    assert "Your profile has been saved" in page(follow)
    assert 'value="Ada"' in page(follow)


def test_the_profile_says_access_needs_are_private(leader_client):
    content = page(leader_client.get(reverse("leaders:profile")))

    assert "Private: only you and the coordinators" in content
    assert "never shown in the directory or to council staff" in content


def test_leaving_the_directory_stops_showing_the_email(leader_client, leader):
    leader_client.post(
        reverse("leaders:profile"), profile_answers(in_directory="no", directory_shows_email="on")
    )

    leader.refresh_from_db()
    assert not leader.in_directory
    assert not leader.directory_shows_email


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"preferred_name": "A" * 101},
            "preferred_name",
            "The name to use must be 100 characters or fewer",
        ),
        ({"phone": "call me maybe"}, "phone", "Enter a phone number, like 01632 960 001"),
        ({"phone": ""}, "phone", "Enter a phone number so we can call or text you"),
        ({"bio": "x" * 1001}, "bio", "Your bio must be 1,000 characters or fewer"),
        ({"interests": ["999999"]}, "interests", "Select what you would like to do from the list"),
        ({"skills": ["999999"]}, "skills", "Select your skills from the list"),
        (
            {"other_skills": "x" * 1001},
            "other_skills",
            "Other skills must be 1,000 characters or fewer",
        ),
        ({"days": ["someday"]}, "days", "Select days from the list"),
        ({"times": ["midnight"]}, "times", "Select daytime, evenings or both"),
        ({"ways": ["by pigeon"]}, "ways", "Select online, in person or both"),
        ({"travel": "the moon"}, "travel", "Select how far you can travel"),
        (
            {"in_directory": None},
            "in_directory",
            "Select yes if you want to appear in the directory",
        ),
        (
            {"contact_methods": None},
            "contact_methods",
            "Select at least one way we can contact you",
        ),
        (
            {"contact_methods": ["fax"]},
            "contact_methods",
            "Select ways to contact you from the list",
        ),
        ({"formats": ["braille-ish"]}, "formats", "Select formats from the list"),
        (
            {"access_needs": "x" * 2001},
            "access_needs",
            "Your access needs must be 2,000 characters or fewer",
        ),
    ],
)
def test_a_rejected_profile_says_why_and_saves_nothing(
    leader_client, leader, changes, field, message
):
    before = Leader.objects.filter(pk=leader.pk).values().get()

    response = leader_client.post(reverse("leaders:profile"), profile_answers(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    content = page(response)
    assert "<title>Error: " in content
    assert 'class="govuk-error-summary"' in content
    assert message in content
    assert Leader.objects.filter(pk=leader.pk).values().get() == before
    assert not leader.interests.exists()


# --- Training ---------------------------------------------------------------------------


def test_training_shows_progress_through_the_required_modules(leader_client, leader):
    required = list(Module.objects.filter(is_required=True))
    optional = Module.objects.filter(is_required=False).first()
    TrainingRecordFactory(leader=leader, module=required[0])
    TrainingRecordFactory(leader=leader, module=optional)

    content = page(leader_client.get(reverse("leaders:training")))

    assert f"You have completed 1 of {len(required)} required modules." in content
    assert required[0].title in content
    assert required[-1].title in content
    assert "Optional modules" in content
    assert "Not started" in content


# --- Activities -------------------------------------------------------------------------


def activity_answers(**changes):
    day = TODAY() - datetime.timedelta(days=3)
    answers = {
        "kind": "local_meeting",
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "hours": "2.5",
        "local_authority": council("E08000032").pk,
        "organisation": "Bradford Carers Forum",
        "people_reached": "14",
        "description": "Spoke about direct payments at the forum.",
        "challenge": "Payments arrive late.",
        "council_response": "They will look at it.",
        "change": "A new payment date.",
    }
    answers.update(changes)
    return {key: value for key, value in answers.items() if value is not None}


def test_a_leader_logs_an_activity(leader_client, leader):
    response = leader_client.post(reverse("leaders:activity_add"), activity_answers())

    assert response.status_code == 302
    assert response["Location"] == reverse("leaders:activities")
    activity = leader.activities.get()
    assert activity.kind == "local_meeting"
    assert activity.date == TODAY() - datetime.timedelta(days=3)
    assert activity.hours == Decimal("2.5")
    assert activity.local_authority.gss_code == "E08000032"
    assert activity.organisation == "Bradford Carers Forum"
    assert activity.people_reached == 14
    assert activity.challenge == "Payments arrive late."
    assert activity.change == "A new payment date."
    assert activity.status == Activity.Status.PENDING
    assert "Activity logged" in page(leader_client.get(response["Location"]))


def test_the_add_page_suggests_the_leaders_own_council(leader_client, leader):
    response = leader_client.get(reverse("leaders:activity_add"))

    assert response.context["form"]["local_authority"].value() == leader.local_authority_id


def test_meeting_answers_are_kept_only_for_meetings(leader_client, leader):
    response = leader_client.post(
        reverse("leaders:activity_add"), activity_answers(kind="peer_support")
    )

    activity = leader.activities.get()
    assert (activity.challenge, activity.council_response, activity.change) == ("", "", "")
    assert "We did not keep your answers about a meeting" in page(
        leader_client.get(response["Location"])
    )


def test_today_is_a_good_date_and_people_reached_is_optional(leader_client, leader):
    today = TODAY()
    leader_client.post(
        reverse("leaders:activity_add"),
        activity_answers(
            date_day=str(today.day),
            date_month=str(today.month),
            date_year=str(today.year),
            people_reached="",
            local_authority="",
            hours="24",
        ),
    )

    activity = leader.activities.get()
    assert activity.date == today
    assert activity.people_reached is None
    assert activity.local_authority is None
    assert activity.hours == 24


def tomorrow_parts():
    tomorrow = TODAY() + datetime.timedelta(days=1)
    return {
        "date_day": str(tomorrow.day),
        "date_month": str(tomorrow.month),
        "date_year": str(tomorrow.year),
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": None}, "kind", "Select what you did"),
        ({"kind": "sky_diving"}, "kind", "Select what you did"),
        ({"date_day": "", "date_month": "", "date_year": ""}, "date", "Enter the date you did it"),
        ({"date_month": ""}, "date", "The date must include a month"),
        ({"date_day": "", "date_year": ""}, "date", "The date must include a day and a year"),
        ({"date_day": "31", "date_month": "2"}, "date", "The date must be a real date"),
        ({"date_day": "first"}, "date", "The date must be a real date"),
        ({"date_year": "24"}, "date", "The year must include 4 numbers"),
        (tomorrow_parts(), "date", "The date must be today or in the past"),
        ({"hours": ""}, "hours", "Enter how many hours it took"),
        ({"hours": "two"}, "hours", "Hours must be a number, like 2 or 1.5"),
        ({"hours": "0"}, "hours", "Enter hours between 0.25 and 24"),
        ({"hours": "-1"}, "hours", "Enter hours between 0.25 and 24"),
        ({"hours": "24.5"}, "hours", "Enter hours between 0.25 and 24"),
        ({"hours": "100"}, "hours", "Enter hours between 0.25 and 24"),
        ({"hours": "1.125"}, "hours", "Hours can have up to 2 decimal places"),
        ({"local_authority": "999999"}, "local_authority", "Select a council from the list"),
        ({"organisation": "x" * 201}, "organisation", "The organisation must be 200 characters"),
        ({"people_reached": "-1"}, "people_reached", "People reached must be 0 or more"),
        ({"people_reached": "lots"}, "people_reached", "People reached must be a whole number"),
        ({"people_reached": "2000000"}, "people_reached", "People reached must be 1,000,000"),
        ({"description": ""}, "description", "Describe what you did"),
        ({"description": "x" * 3001}, "description", "The description must be 3,000 characters"),
        ({"challenge": "x" * 3001}, "challenge", "The challenge must be 3,000 characters"),
        ({"council_response": "x" * 3001}, "council_response", "The council’s response must be"),
        ({"change": "x" * 3001}, "change", "What changed must be 3,000 characters"),
    ],
)
def test_a_rejected_activity_says_why_and_saves_nothing(
    leader_client, leader, changes, field, message
):
    response = leader_client.post(reverse("leaders:activity_add"), activity_answers(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    content = page(response)
    assert "<title>Error: " in content
    assert f'href="#id_{field}"' in content  # the summary links to the field
    assert f'id="id_{field}"' in content
    assert not Activity.objects.exists()


def test_an_unverified_activity_can_be_changed(leader_client, leader):
    activity = ActivityFactory(leader=leader, hours=1)

    response = leader_client.post(
        activity.get_absolute_url(), activity_answers(kind="event_speaking", hours="3")
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.kind == "event_speaking"
    assert activity.hours == 3
    assert activity.challenge == ""


def test_a_queried_activity_goes_back_to_be_checked_when_changed(leader_client, leader):
    activity = ActivityFactory(
        leader=leader, status=Activity.Status.QUERIED, query="Which meeting was this?"
    )
    assert "Which meeting was this?" in page(leader_client.get(activity.get_absolute_url()))

    leader_client.post(
        activity.get_absolute_url(), activity_answers(description="The June carers forum.")
    )

    activity.refresh_from_db()
    assert activity.status == Activity.Status.PENDING
    assert activity.description == "The June carers forum."


def test_a_verified_activity_is_shown_but_cannot_be_changed(leader_client, leader):
    activity = ActivityFactory(
        leader=leader, status=Activity.Status.VERIFIED, description="As it was verified."
    )

    shown = leader_client.get(activity.get_absolute_url())
    assert shown.status_code == 200
    assert "so you cannot change it" in page(shown)
    assert "<form" not in page(shown).split('id="main-content"')[1]

    refused = leader_client.post(
        activity.get_absolute_url(), activity_answers(description="Changed afterwards.")
    )
    assert refused.status_code == 200
    assert "This activity has been verified, so it was not changed" in page(refused)
    activity.refresh_from_db()
    assert activity.description == "As it was verified."

    deleting = leader_client.post(reverse("leaders:activity_delete", args=[activity.pk]))
    assert deleting.status_code == 302
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_a_leader_deletes_an_unverified_activity(leader_client, leader):
    activity = ActivityFactory(leader=leader)
    url = reverse("leaders:activity_delete", args=[activity.pk])
    assert "Are you sure you want to delete this activity?" in page(leader_client.get(url))

    response = leader_client.post(url)

    assert response["Location"] == reverse("leaders:activities")
    assert not Activity.objects.exists()


def test_totals_count_this_year_only(leader_client, leader):
    today = TODAY()
    ActivityFactory(leader=leader, date=today, hours=Decimal("1.5"), people_reached=20)
    ActivityFactory(leader=leader, date=today.replace(month=1, day=1), hours=3)
    ActivityFactory(
        leader=leader,
        date=today.replace(year=today.year - 1, month=12, day=31),
        hours=10,
        people_reached=500,
    )
    ActivityFactory(date=today, hours=7, people_reached=1000)  # another leader's

    response = leader_client.get(reverse("leaders:activities"))

    totals = response.context["totals"]
    assert (totals.year, totals.activities, totals.hours, totals.people_reached) == (
        today.year,
        2,
        Decimal("4.5"),
        20,
    )
    content = page(response)
    assert f"This year ({today.year})" in content
    assert ">4.5</dd>" in content


def test_the_activity_list_shows_20_a_page_newest_first(leader_client, leader):
    today = TODAY()
    for days_ago in range(25):
        ActivityFactory(leader=leader, date=today - datetime.timedelta(days=days_ago))

    first = leader_client.get(reverse("leaders:activities"))
    second = leader_client.get(reverse("leaders:activities"), {"page": 2})

    assert len(first.context["activities"]) == 20
    assert first.context["activities"][0].date == today
    assert len(second.context["activities"]) == 5
    assert "(page 2 of 2)" in page(second)


def test_the_activity_list_runs_the_same_queries_for_2_or_20_rows(leader_client, leader):
    ActivityFactory.create_batch(2, leader=leader, local_authority=council())
    two = count_queries(leader_client, reverse("leaders:activities"))
    ActivityFactory.create_batch(18, leader=leader, local_authority=council("E08000032"))

    assert count_queries(leader_client, reverse("leaders:activities")) == two


def test_leaders_never_see_others_activities_in_their_list(leader_client):
    ActivityFactory(description="Someone else's work", kind=Activity.Kind.EVENT_PLANNING)

    response = leader_client.get(reverse("leaders:activities"))

    assert list(response.context["activities"]) == []
    assert "Helped plan an event" not in page(response)


def test_a_leader_cannot_log_an_activity_in_the_future_through_the_service(leader):
    from django.core.exceptions import ValidationError

    from leaders.services.participation import activity_create

    with pytest.raises(ValidationError):
        activity_create(
            leader=leader,
            kind="other",
            date=timezone.localdate() + datetime.timedelta(days=1),
            hours=Decimal("1"),
            description="Not yet.",
        )
    assert not Activity.objects.exists()

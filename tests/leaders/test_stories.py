"""Stories: a leader writes one and chooses how it may be used; a coordinator
approves it; it appears at /stories/ only while consent lasts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citizenleaders.roles import Role
from leaders.models import Story
from tests.citizenleaders.factories import UserFactory
from tests.conftest import make_person
from tests.leaders.factories import LeaderFactory, StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader():
    return make_person(Role.LEADER, full_name="Grace Hopper").leader


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader.user)
    return client


def approved(**kwargs):
    kwargs.setdefault("approved_at", timezone.now())
    return StoryFactory(status=Story.Status.APPROVED, **kwargs)


def page(response) -> str:
    return response.content.decode()


def titles(response) -> list[str]:
    return [story.title for story in response.context["stories"]]


# --- Writing a story ------------------------------------------------------------------


def story_answers(**changes):
    answers = {
        "title": "Getting my life back",
        "body": "With a direct payment I hired my own personal assistant.",
        "name_shown": "first",
        "uses": ["website", "training"],
    }
    answers.update(changes)
    return {key: value for key, value in answers.items() if value is not None}


def test_a_leader_shares_their_story(leader_client, leader):
    response = leader_client.post(reverse("leaders:story_add"), story_answers())

    story = leader.stories.get()
    assert response["Location"] == reverse("leaders:story_detail", args=[story.pk])
    assert story.title == "Getting my life back"
    assert story.name_shown == Story.NameShown.FIRST
    assert story.on_website and story.in_training
    assert story.status == Story.Status.SUBMITTED
    content = page(leader_client.get(response["Location"]))
    assert "Thank you for sharing your story" in content
    assert "Waiting for approval" in content
    assert "“Grace”" in content  # how the name will appear


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for your story"),
        ({"title": "x" * 201}, "title", "The title must be 200 characters or fewer"),
        ({"body": ""}, "body", "Write your story"),
        ({"body": "x" * 10_001}, "body", "Your story must be 10,000 characters or fewer"),
        ({"name_shown": None}, "name_shown", "Select how your name is shown"),
        ({"name_shown": "nickname"}, "name_shown", "Select how your name is shown"),
        ({"uses": None}, "uses", "Select at least one place we may use your story"),
        ({"uses": ["billboards"]}, "uses", "Select where we may use your story from the list"),
    ],
)
def test_a_rejected_story_says_why_and_saves_nothing(leader_client, changes, field, message):
    response = leader_client.post(reverse("leaders:story_add"), story_answers(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    content = page(response)
    assert "<title>Error: " in content
    assert f'href="#id_{field}"' in content
    assert not Story.objects.exists()


def test_the_story_form_says_why_a_place_to_use_it_is_needed(leader_client):
    response = leader_client.post(reverse("leaders:story_add"), story_answers(uses=None))

    assert "Without one, we cannot use it at all" in page(response)


def test_changing_an_approved_story_sends_it_back_for_approval(leader_client, leader):
    story = approved(leader=leader)
    assert "we stop using it until they approve it again" in page(
        leader_client.get(reverse("leaders:story_edit", args=[story.pk]))
    )

    leader_client.post(
        reverse("leaders:story_edit", args=[story.pk]), story_answers(title="A new title")
    )

    story.refresh_from_db()
    assert story.title == "A new title"
    assert story.status == Story.Status.SUBMITTED
    assert story.approved_at is None
    assert leader_client.get(reverse("stories:detail", args=[story.pk])).status_code == 404


def test_a_withdrawn_story_cannot_be_changed(leader_client, leader):
    story = StoryFactory(leader=leader, status=Story.Status.WITHDRAWN, title="As it was")

    response = leader_client.post(
        reverse("leaders:story_edit", args=[story.pk]), story_answers(title="Changed")
    )

    assert response["Location"] == reverse("leaders:story_detail", args=[story.pk])
    story.refresh_from_db()
    assert story.title == "As it was"


def test_a_leader_sees_only_their_own_stories(leader_client, leader):
    StoryFactory(leader=leader, title="Mine")
    StoryFactory(title="Someone else's")

    response = leader_client.get(reverse("leaders:stories"))

    assert titles(response) == ["Mine"]


# --- Published stories ------------------------------------------------------------------


def test_only_approved_stories_with_consent_to_the_website_are_published(client):
    approved(title="Published")
    approved(title="Training only", on_website=False, in_training=True)
    StoryFactory(title="Waiting", status=Story.Status.SUBMITTED)
    StoryFactory(title="Withdrawn", status=Story.Status.WITHDRAWN)

    response = client.get(reverse("stories:list"))

    assert response.status_code == 200
    assert titles(response) == ["Published"]
    for story in Story.objects.exclude(title="Published"):
        assert client.get(reverse("stories:detail", args=[story.pk])).status_code == 404
    published = Story.objects.get(title="Published")
    assert client.get(reverse("stories:detail", args=[published.pk])).status_code == 200


def test_published_stories_are_newest_first_ten_a_page(client):
    now = timezone.now()
    for number in range(12):
        approved(title=f"Story {number}", approved_at=now - datetime.timedelta(days=number))

    first = client.get(reverse("stories:list"))
    second = client.get(reverse("stories:list"), {"page": 2})

    assert titles(first) == [f"Story {number}" for number in range(10)]
    assert titles(second) == ["Story 10", "Story 11"]


@pytest.mark.parametrize(
    ("name_shown", "shown"),
    [
        (Story.NameShown.FULL, "By Grace Hopper"),
        (Story.NameShown.FIRST, "By Grace<"),
        (Story.NameShown.ANONYMOUS, "By A Citizen Leader"),
    ],
)
def test_the_author_is_named_as_they_chose(client, leader, name_shown, shown):
    story = approved(leader=leader, name_shown=name_shown)

    content = page(client.get(reverse("stories:detail", args=[story.pk])))

    assert shown in content
    if name_shown != Story.NameShown.FULL:
        assert "Hopper" not in content


def test_an_author_without_a_name_is_never_shown_by_email_address(client):
    author = LeaderFactory(user=UserFactory(full_name="", email="private.person@example.org"))
    story = approved(leader=author, name_shown=Story.NameShown.FIRST)

    for url in [reverse("stories:list"), reverse("stories:detail", args=[story.pk])]:
        content = page(client.get(url))
        assert "private.person" not in content
        assert "By A Citizen Leader" in content


def test_withdrawing_consent_takes_a_story_off_the_website_at_once(
    leader_client, leader, national_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    story = approved(leader=leader, title="My story", in_training=True)
    detail = reverse("stories:detail", args=[story.pk])
    assert leader_client.get(detail).status_code == 200
    withdraw = reverse("leaders:story_withdraw", args=[story.pk])
    assert "Are you sure you want to withdraw your consent?" in page(leader_client.get(withdraw))

    with django_capture_on_commit_callbacks(execute=True):
        response = leader_client.post(withdraw)

    assert response["Location"] == reverse("leaders:stories")
    assert "We will not use it" in page(leader_client.get(response["Location"]))
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN
    assert not story.on_website and not story.in_training
    assert leader_client.get(detail).status_code == 404
    assert titles(leader_client.get(reverse("stories:list"))) == []
    assert [message.to for message in mailoutbox] == [
        [leader.user.email],
        [national_coordinator.email],
    ]
    assert "stop using it" in mailoutbox[1].body


def test_the_published_list_runs_the_same_queries_for_2_or_10_stories(client):
    approved()
    approved()
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("stories:list"))
    for _ in range(8):
        approved()
    with CaptureQueriesContext(connection) as ten:
        client.get(reverse("stories:list"))

    assert len(ten) == len(two)

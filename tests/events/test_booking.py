"""Booking a place with one's access needs, the waiting list, changing and
cancelling a booking, and one's own bookings at /me/events/: what a person
notices, and that what is refused changes nothing."""

import datetime
import html
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citizenleaders.roles import Role
from events import services
from events.forms import CONSENT_MESSAGE
from events.models import Event, Registration
from tests.citizenleaders.factories import UserFactory
from tests.conftest import make_person
from tests.events.factories import EventFactory, RegistrationFactory, in_days

pytestmark = pytest.mark.django_db

MINE = reverse("events:mine")
NO_NEEDS = {"bringing_assistant": "no"}
NEEDS = {
    "access_requirements": ["wheelchair", "breaks"],
    "access_details": "A chair with arms, please.",
    "bringing_assistant": "yes",
    "dietary_needs": "Vegetarian",
    "share_needs": "on",
}


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """Nobody here logs in with a password, so hash them quickly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run something and send the emails it would send once it commits."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def person(client, member):
    client.force_login(member)
    return member


def page(response):
    return response.content.decode()


def text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page(response))).split())


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def book_url(event):
    return reverse("events:book", kwargs={"slug": event.slug})


def cancel_url(event):
    return reverse("events:cancel", kwargs={"slug": event.slug})


def places_taken(event):
    event.refresh_from_db()
    return event.places_taken


def book(event, user=None, **needs):
    return services.registration_create(event=event, user=user or UserFactory(), **needs)


# --- Who may book ---------------------------------------------------------------------


def test_a_visitor_is_sent_to_log_in_and_back(client):
    event = EventFactory()
    for address in [book_url(event), cancel_url(event), MINE]:
        response = client.get(address)

        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={address}"

    response = client.post(book_url(event), NO_NEEDS)
    assert response["Location"].startswith(reverse("account_login"))
    assert not Registration.objects.exists()


def test_an_event_not_meant_for_the_person_is_not_found(client, person):
    event = EventFactory(audience=Event.Audience.LEADERS)

    assert client.get(book_url(event)).status_code == 404
    assert client.post(book_url(event), NO_NEEDS).status_code == 404
    assert not Registration.objects.exists()


def test_a_draft_cannot_be_booked(client, person):
    event = EventFactory(status=Event.Status.DRAFT)

    assert client.post(book_url(event), NO_NEEDS).status_code == 404
    assert not Registration.objects.exists()


def test_a_leader_books_a_leaders_event(client):
    event = EventFactory(audience=Event.Audience.LEADERS)
    client.force_login(make_person(Role.LEADER))

    response = client.post(book_url(event), NO_NEEDS)

    assert response.status_code == 302
    assert Registration.objects.get(event=event).is_confirmed


# --- Booking -----------------------------------------------------------------------------


def test_the_booking_form_asks_what_the_person_needs(client, person):
    event = EventFactory(title="Leeds meeting")

    response = client.get(book_url(event))
    words = text(response)

    assert response.status_code == 200
    assert "<title>Book a place: Leeds meeting – Citizen Leaders</title>" in page(response)
    assert page(response).count("<h1") == 1
    assert "novalidate" in page(response)
    for label in [
        "Wheelchair access",
        "British Sign Language (BSL) interpreter",
        "Large print",
        "Anything else you need (optional)",
        "Will a personal assistant or support worker come with you?",
        "Their place is free and does not take an attendee’s place",
        "Do you have any dietary needs? (optional)",
        "I agree to the organisers being told what I need",
    ]:
        assert label in words, label
    assert 'type="radio" value="yes"' in page(response)
    assert "Book a place" in words


def test_an_online_event_does_not_ask_about_food(client, person):
    event = EventFactory(
        online=True, joining_link="https://meet.example.org/x", venue_name="", venue_postcode=""
    )

    assert "dietary needs" not in text(client.get(book_url(event)))
    client.post(book_url(event), {**NEEDS, "dietary_needs": "Vegan"})
    assert Registration.objects.get(event=event).dietary_needs == ""


def test_booking_a_place_with_access_needs(client, person, commits):
    event = EventFactory(title="Leeds meeting", capacity=5)

    response = commits(lambda: client.post(book_url(event), NEEDS))

    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    registration = Registration.objects.get(event=event, user=person)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.access_requirements == ["wheelchair", "breaks"]
    assert registration.access_details == "A chair with arms, please."
    assert registration.bringing_assistant is True
    assert registration.dietary_needs == "Vegetarian"
    assert registration.share_needs is True
    assert places_taken(event) == 1  # the assistant takes no place
    assert messages_of(response) == ["Your place is booked"]
    [email] = mail.outbox
    assert email.to == [person.email]
    assert email.subject == "Your place is booked: Leeds meeting"


def test_the_event_page_then_shows_the_success_banner(client, person):
    event = EventFactory()

    response = client.post(book_url(event), NO_NEEDS, follow=True)

    assert "govuk-notification-banner--success" in page(response)
    assert "Your place is booked" in text(response)
    assert "Place confirmed" in text(response)


def test_booking_without_needs_needs_no_consent(client, person):
    event = EventFactory()

    client.post(book_url(event), NO_NEEDS)

    registration = Registration.objects.get(event=event)
    assert registration.is_confirmed
    assert not registration.has_needs
    assert registration.share_needs is False


def test_when_full_the_person_joins_the_waiting_list(client, person, commits):
    event = EventFactory(title="Popular", capacity=1)
    book(event)

    form = client.get(book_url(event))
    response = commits(lambda: client.post(book_url(event), NO_NEEDS))

    assert "This event is full" in text(form)
    assert "<title>Join the waiting list: Popular – Citizen Leaders</title>" in page(form)
    assert "Join the waiting list</button>" in page(form)
    assert Registration.objects.get(event=event, user=person).is_waiting
    assert places_taken(event) == 1
    assert messages_of(response) == [
        "You are on the waiting list – we will email you if a place comes up"
    ]
    assert mail.outbox[-1].subject == "You are on the waiting list: Popular"


# --- What is refused changes nothing --------------------------------------------------------


def assert_nothing_booked(event):
    assert not Registration.objects.filter(event=event).exists()
    assert places_taken(event) == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    "needs",
    [
        {"access_requirements": ["bsl"], "bringing_assistant": "no"},
        {"access_details": "Step-free route", "bringing_assistant": "no"},
        {"bringing_assistant": "yes"},
        {"dietary_needs": "No nuts", "bringing_assistant": "no"},
    ],
)
def test_needs_without_consent_are_refused_and_nothing_is_saved(client, person, commits, needs):
    event = EventFactory()

    response = commits(lambda: client.post(book_url(event), needs))

    assert response.status_code == 200
    assert CONSENT_MESSAGE in page(response).replace("&#x27;", "'")
    assert page(response).count("<title>Error: ") == 1
    assert 'href="#id_share_needs"' in page(response)
    assert_nothing_booked(event)


def test_what_was_entered_is_kept_after_an_error(client, person):
    event = EventFactory()

    response = client.post(
        book_url(event),
        {
            "access_requirements": ["bsl"],
            "access_details": "Front row",
            "bringing_assistant": "yes",
        },
    )

    assert 'value="bsl" checked' in page(response)
    assert "Front row</textarea>" in page(response)
    assert 'value="yes" checked' in page(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select yes if a personal assistant or support worker will come with you"),
        ({"bringing_assistant": "maybe"}, "Select yes if a personal assistant or support worker"),
        (
            {**NEEDS, "access_requirements": ["jetpack"]},
            "Select what you need from the list",
        ),
        (
            {**NEEDS, "access_details": "x" * 1001},
            "Anything else you need must be 1,000 characters or fewer",
        ),
        (
            {**NEEDS, "dietary_needs": "x" * 501},
            "Your dietary needs must be 500 characters or fewer",
        ),
    ],
)
def test_wrong_answers_are_refused_with_a_message(client, person, commits, data, message):
    event = EventFactory()

    response = commits(lambda: client.post(book_url(event), data))

    assert response.status_code == 200
    assert message in page(response)
    assert page(response).count("<title>Error: ") == 1
    assert_nothing_booked(event)


def test_when_the_service_refuses_the_form_says_why(client, person, commits, monkeypatch):
    """Say booking closed between the form's check and the booking itself."""
    event = EventFactory()

    def refuse(**kwargs):
        raise ValidationError("Booking for this event has closed.", code="closed")

    monkeypatch.setattr(services, "registration_create", refuse)
    response = commits(lambda: client.post(book_url(event), NO_NEEDS))

    assert response.status_code == 200
    assert "Booking for this event has closed." in page(response)
    assert page(response).count("<title>Error: ") == 1
    assert_nothing_booked(event)


@pytest.mark.parametrize(
    ("fields", "explanation"),
    [
        ({"booking_opens": in_days(5, 9)}, "Booking opens on"),
        (
            {"booking_closes": timezone.now() - datetime.timedelta(hours=1)},
            "Booking for this event has closed.",
        ),
        (
            {
                "start": timezone.now() - datetime.timedelta(hours=1),
                "end": timezone.now() + datetime.timedelta(hours=1),
            },
            "This event has already started.",
        ),
        (
            {"start": in_days(-2), "end": in_days(-2, 15)},
            "This event has already started.",
        ),
        (
            {"status": Event.Status.CANCELLED, "cancelled_at": timezone.now()},
            "This event has been cancelled.",
        ),
    ],
)
def test_when_booking_is_not_possible_the_page_says_why_and_nothing_is_booked(
    client, person, commits, fields, explanation
):
    event = EventFactory(title="Not now", **fields)

    form = client.get(book_url(event))
    response = commits(lambda: client.post(book_url(event), NEEDS))

    assert form.status_code == 200
    assert explanation in text(form)
    assert "<title>You cannot book a place: Not now – Citizen Leaders</title>" in page(form)
    assert "<form" not in page(form).split('id="main-content"')[1]
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert explanation in messages_of(response)[0]
    assert_nothing_booked(event)


# --- One booking each: changing it --------------------------------------------------------------


def test_with_a_booking_the_form_changes_it_prefilled(client, person, commits):
    event = EventFactory(title="Leeds meeting")
    registration = book(
        event, person, access_requirements=["bsl"], dietary_needs="Halal", share_needs=True
    )

    form = client.get(book_url(event))
    response = commits(
        lambda: client.post(
            book_url(event),
            {
                "access_requirements": ["large_print"],
                "bringing_assistant": "yes",
                "share_needs": "on",
            },
        )
    )

    assert "<title>Change what you need: Leeds meeting – Citizen Leaders</title>" in page(form)
    assert 'value="bsl" checked' in page(form)
    assert "Halal</textarea>" in page(form)
    assert 'id="id_share_needs" name="share_needs" type="checkbox" value="on" checked' in page(form)
    assert "Save changes" in page(form)
    assert response["Location"] == event.get_absolute_url()
    assert messages_of(response) == ["Your booking is updated"]
    registration.refresh_from_db()
    assert registration.access_requirements == ["large_print"]
    assert registration.bringing_assistant is True
    assert registration.dietary_needs == ""
    assert registration.is_confirmed
    assert Registration.objects.filter(event=event, user=person).count() == 1
    assert places_taken(event) == 1
    assert mail.outbox == []


def test_booking_again_from_another_tab_changes_the_booking_rather_than_adding_one(client, person):
    event = EventFactory(capacity=1)

    client.post(book_url(event), NO_NEEDS)
    client.post(book_url(event), {"bringing_assistant": "yes", "share_needs": "on"})

    [registration] = Registration.objects.filter(event=event)
    assert registration.is_confirmed
    assert registration.bringing_assistant
    assert places_taken(event) == 1


def test_a_refused_change_keeps_the_booking_as_it_was(client, person):
    event = EventFactory()
    registration = book(event, person, access_requirements=["bsl"], share_needs=True)

    response = client.post(book_url(event), {"access_requirements": ["wheelchair"], **NO_NEEDS})

    assert CONSENT_MESSAGE in html.unescape(page(response))
    registration.refresh_from_db()
    assert registration.access_requirements == ["bsl"]
    assert registration.share_needs


def test_a_booking_cannot_be_changed_once_the_event_has_started(client, person):
    event = EventFactory()
    registration = book(event, person)
    Event.objects.filter(pk=event.pk).update(start=timezone.now() - datetime.timedelta(minutes=5))

    form = client.get(book_url(event))
    client.post(book_url(event), {"bringing_assistant": "yes", "share_needs": "on"})

    assert "You cannot change your booking" in text(form)
    assert "already started" in text(form)
    registration.refresh_from_db()
    assert not registration.bringing_assistant


# --- Cancelling ------------------------------------------------------------------------------


def test_cancelling_asks_first_and_says_a_waiting_person_gets_the_place(client, person):
    event = EventFactory(title="Leeds meeting")
    book(event, person)

    response = client.get(cancel_url(event))

    assert response.status_code == 200
    assert "<title>Cancel your place: Leeds meeting – Citizen Leaders</title>" in page(response)
    assert "Are you sure you want to cancel your place?" in text(response)
    assert "your place goes to the first person on the waiting list" in text(response)
    assert "Yes, cancel my place" in text(response)
    assert Registration.objects.get(event=event).is_confirmed


def test_cancelling_gives_the_place_to_the_first_person_waiting(client, person, commits):
    event = EventFactory(title="Leeds meeting", capacity=1)
    book(event, person)
    first = book(event, UserFactory(email="first@example.org"))
    second = book(event, UserFactory(email="second@example.org"))
    mail.outbox.clear()

    response = commits(lambda: client.post(cancel_url(event)))

    assert response.status_code == 302
    assert response["Location"] == MINE
    assert messages_of(response) == ["Your place at Leeds meeting is cancelled"]
    assert Registration.objects.get(event=event, user=person).status == "cancelled"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_confirmed
    assert second.is_waiting
    assert places_taken(event) == 1
    promoted = [email for email in mail.outbox if email.to == ["first@example.org"]]
    assert [email.subject for email in promoted] == ["You now have a place: Leeds meeting"]
    assert not [email for email in mail.outbox if email.to == ["second@example.org"]]


def test_leaving_the_waiting_list(client, person, commits):
    event = EventFactory(title="Leeds meeting", capacity=1)
    book(event)
    book(event, person)

    form = client.get(cancel_url(event))
    response = commits(lambda: client.post(cancel_url(event)))

    assert "Are you sure you want to leave the waiting list?" in text(form)
    assert "You are number 1 on the waiting list" in text(form)
    assert messages_of(response) == ["You have left the waiting list for Leeds meeting"]
    assert Registration.objects.get(event=event, user=person).status == "cancelled"
    assert places_taken(event) == 1


def test_only_ones_own_active_booking_can_be_cancelled(client, person):
    event = EventFactory()
    someone_else = book(event)

    assert client.get(cancel_url(event)).status_code == 404
    assert client.post(cancel_url(event)).status_code == 404
    someone_else.refresh_from_db()
    assert someone_else.is_confirmed

    mine = book(event, person)
    services.registration_cancel(registration=mine)
    assert client.post(cancel_url(event)).status_code == 404


def test_a_booking_cannot_be_cancelled_once_the_event_has_started(client, person, commits):
    event = EventFactory()
    registration = book(event, person)
    Event.objects.filter(pk=event.pk).update(start=timezone.now() - datetime.timedelta(minutes=5))

    form = client.get(cancel_url(event))
    response = commits(lambda: client.post(cancel_url(event)))

    assert "You cannot cancel your booking" in text(form)
    assert "already started" in text(form)
    assert "Yes, cancel my place" not in page(form)
    assert response["Location"] == MINE
    registration.refresh_from_db()
    assert registration.is_confirmed
    assert places_taken(event) == 1


def test_a_finished_event_cannot_be_cancelled(client, person):
    event = EventFactory(start=in_days(-3), end=in_days(-3, 15))
    RegistrationFactory(event=event, user=person)

    response = client.get(cancel_url(event))

    assert "This event has finished" in text(response)


# --- Your events ------------------------------------------------------------------------------


def test_your_events_lists_upcoming_and_past_bookings_with_their_status(client, person):
    confirmed = EventFactory(title="Confirmed meeting", start=in_days(10), end=in_days(10, 15))
    full = EventFactory(title="Full meeting", capacity=1, start=in_days(11), end=in_days(11, 15))
    called_off = EventFactory(title="Called off", start=in_days(12), end=in_days(12, 15))
    changed_mind = EventFactory(title="Changed my mind", start=in_days(13), end=in_days(13, 15))
    last_month = EventFactory(title="Last month", start=in_days(-30), end=in_days(-30, 15))
    last_week = EventFactory(title="Last week", start=in_days(-7), end=in_days(-7, 15))
    EventFactory(title="Not booked")
    book(confirmed, person)
    book(full)
    book(full, person)
    book(called_off, person)
    services.event_cancel(event=called_off, reason="Venue closed")
    services.registration_cancel(registration=book(changed_mind, person))
    RegistrationFactory(event=last_month, user=person)
    RegistrationFactory(event=last_week, user=person)
    RegistrationFactory(event=confirmed)  # someone else's booking

    response = client.get(MINE)
    words = text(response)
    upcoming = [r.event.title for r in response.context["upcoming"]]
    past = [r.event.title for r in response.context["past"]]

    assert "<title>Your events – Citizen Leaders</title>" in page(response)
    assert upcoming == ["Confirmed meeting", "Full meeting", "Called off", "Changed my mind"]
    assert past == ["Last week", "Last month"]
    assert "Confirmed meeting Place confirmed" in words
    assert "Full meeting On the waiting list (position 1)" in words
    assert "Called off Event cancelled" in words
    assert "Changed my mind Cancelled" in words
    assert "Not booked" not in words
    assert f'href="{reverse("events:calendar_feed")}"' in page(response)
    assert "Your calendar feed" in words


def test_your_events_links_to_what_you_can_do_with_each_booking(client, person):
    confirmed = EventFactory()
    called_off = EventFactory()
    past = EventFactory(start=in_days(-7), end=in_days(-7, 15))
    book(confirmed, person)
    book(called_off, person)
    services.event_cancel(event=called_off)
    RegistrationFactory(event=past, user=person)

    body = page(client.get(MINE))

    for name in ["events:book", "events:cancel", "events:calendar"]:
        assert f'href="{reverse(name, args=[confirmed.slug])}"' in body, name
        assert f'href="{reverse(name, args=[called_off.slug])}"' not in body, name
        assert f'href="{reverse(name, args=[past.slug])}"' not in body, name
    for event in [confirmed, called_off, past]:
        assert f'href="{event.get_absolute_url()}"' in body


def test_with_no_bookings_your_events_says_so(client, person):
    words = text(client.get(MINE))

    assert "You have no upcoming events." in words
    assert "Find an event to book" in words


def test_your_events_runs_the_same_queries_however_many_bookings(
    client, person, django_assert_num_queries
):
    def add(count):
        for n in range(count):
            event = EventFactory(capacity=1, start=in_days(3 + n), end=in_days(3 + n, 15))
            book(event)
            book(event, person)  # waiting, so its position is worked out
            past = EventFactory(start=in_days(-3 - n), end=in_days(-3 - n, 15))
            RegistrationFactory(event=past, user=person)

    add(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(MINE).status_code == 200
    add(10)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(MINE)
    assert len(response.context["upcoming"]) == 11
    assert len(response.context["past"]) == 11

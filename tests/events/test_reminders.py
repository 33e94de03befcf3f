"""The daily ``send_event_reminders`` command: each person with a place is
reminded once, two days before; organisers get one summary of the access
requirements people agreed to share, and nothing of anyone who did not."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from citizenleaders.models import StaffRole
from citizenleaders.roles import Role
from events.models import Event, Registration
from tests.citizenleaders.factories import StaffRoleFactory, UserFactory
from tests.conftest import make_person
from tests.events.factories import EventFactory, RegistrationFactory, in_days
from ulos.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the command as cron would, sending the emails it sends once each
    claim commits. Returns what it printed."""

    def run_command():
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_event_reminders", stdout=out)
        return out.getvalue().strip()

    return run_command


def reminders_to(email):
    return [
        message
        for message in mail.outbox
        if message.to == [email] and message.subject.startswith("Reminder: ")
    ]


def summaries():
    return [
        message
        for message in mail.outbox
        if message.subject.startswith("Access requirements to prepare for")
    ]


def test_each_person_with_a_place_is_reminded_once_however_often_it_runs(run):
    event = EventFactory(title="Leeds meeting", start=in_days(2, 10), end=in_days(2, 15))
    people = [RegistrationFactory(event=event).user for _ in range(3)]
    event.organisers.add(UserFactory())

    first = run()
    second = run()

    assert first == "Sent 3 reminders and 1 organiser summary."
    assert second == "Sent 0 reminders and 0 organiser summaries."
    for person in people:
        (reminder,) = reminders_to(person.email)
        assert reminder.subject == "Reminder: Leeds meeting is coming up"
        assert "Leeds Civic Hall" in reminder.body
        assert reverse("events:calendar", kwargs={"slug": event.slug}) in reminder.body
    assert len(summaries()) == 1
    assert len(mail.outbox) == 4


def test_events_sooner_than_two_days_are_reminded_too(run):
    tomorrow = RegistrationFactory(event=EventFactory(start=in_days(1, 18), end=in_days(1, 20)))

    assert run() == "Sent 1 reminder and 0 organiser summaries."
    assert reminders_to(tomorrow.user.email)


def test_events_more_than_two_days_away_wait(run):
    later = RegistrationFactory(event=EventFactory(start=in_days(3, 10), end=in_days(3, 15)))
    later.event.organisers.add(UserFactory())

    assert run() == "Sent 0 reminders and 0 organiser summaries."
    assert mail.outbox == []
    later.refresh_from_db()
    assert later.reminder_sent_at is None


def test_events_that_have_started_are_not_reminded(run):
    started = timezone.now() - datetime.timedelta(minutes=30)
    RegistrationFactory(
        event=EventFactory(start=started, end=started + datetime.timedelta(hours=2))
    )

    assert run() == "Sent 0 reminders and 0 organiser summaries."
    assert mail.outbox == []


def test_waiting_and_cancelled_bookings_are_not_reminded(run):
    event = EventFactory(start=in_days(2, 10), end=in_days(2, 15))
    confirmed = RegistrationFactory(event=event)
    waiting = Registration.objects.create(
        event=event,
        user=UserFactory(),
        status=Registration.Status.WAITING,
        waiting_since=timezone.now(),
    )
    cancelled = Registration.objects.create(
        event=event,
        user=UserFactory(),
        status=Registration.Status.CANCELLED,
        cancelled_at=timezone.now(),
    )

    run()

    assert len(reminders_to(confirmed.user.email)) == 1
    assert reminders_to(waiting.user.email) == []
    assert reminders_to(cancelled.user.email) == []


def test_cancelled_events_send_nothing(run):
    event = EventFactory(
        start=in_days(2, 10),
        end=in_days(2, 15),
        status=Event.Status.CANCELLED,
        cancelled_at=timezone.now(),
    )
    RegistrationFactory(event=event)
    event.organisers.add(UserFactory())

    assert run() == "Sent 0 reminders and 0 organiser summaries."
    assert mail.outbox == []


def test_organisers_get_the_needs_people_agreed_to_share_and_no_others(run):
    organiser = UserFactory(email="organiser@example.org")
    event = EventFactory(title="Leeds meeting", start=in_days(2, 10), end=in_days(2, 15))
    event.organisers.add(organiser)
    RegistrationFactory(
        event=event,
        user=UserFactory(full_name="Asha Sharer"),
        access_requirements=["wheelchair", "bsl"],
        access_details="A seat near the interpreter, please.",
        dietary_needs="Vegan",
        bringing_assistant=True,
        share_needs=True,
    )
    RegistrationFactory(
        event=event,
        user=UserFactory(full_name="Private Person"),
        access_requirements=["quiet_space"],
        access_details="Something I keep to myself.",
        dietary_needs="Halal",
        share_needs=False,
    )

    run()
    run()

    (summary,) = summaries()
    assert summary.to == ["organiser@example.org"]
    assert summary.subject == "Access requirements to prepare for: Leeds meeting"
    body = summary.body
    assert "Places confirmed: 2" in body
    assert "Asha Sharer" in body
    assert "Wheelchair access" in body
    assert "British Sign Language (BSL) interpreter" in body
    assert "A seat near the interpreter, please." in body
    assert "Vegan" in body
    assert "Bringing a personal assistant or support worker" in body
    assert "Private Person" not in body
    assert "A quiet space" not in body
    assert "Something I keep to myself." not in body
    assert "Halal" not in body


def test_without_staff_organisers_the_regions_coordinators_get_the_summary(run):
    yorkshire_coordinator = make_person(Role.REGIONAL_COORDINATOR)
    london_coordinator = UserFactory()
    StaffRoleFactory(
        user=london_coordinator,
        kind=StaffRole.Kind.REGIONAL_COORDINATOR,
        region=Region.objects.get(gss_code="E12000007"),
    )
    event = EventFactory(start=in_days(2, 10), end=in_days(2, 15))
    RegistrationFactory(event=event)

    assert run() == "Sent 1 reminder and 1 organiser summary."

    (summary,) = summaries()
    assert summary.to == [yorkshire_coordinator.email]

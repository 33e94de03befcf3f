"""Booking, the waiting list and places: what people notice when they book,
cancel, or race each other for the last places."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from events import services
from events.models import Event, Registration
from tests.citizenleaders.factories import UserFactory
from tests.events.factories import EventFactory, RegistrationFactory, in_days
from tests.leaders.factories import LeaderFactory
from ulos.models import LocalAuthority, Region
from ulos.places import load_places

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def book(event, user=None, **needs):
    return services.registration_create(event=event, user=user or UserFactory(), **needs)


def test_a_booking_takes_a_place_and_emails_the_person(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=2)
    person = UserFactory(full_name="Ada Lovelace")
    with django_capture_on_commit_callbacks(execute=True):
        registration = book(event, person, access_requirements=["bsl"], share_needs=True)

    event.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert event.places_taken == 1 and event.places_left == 1
    [email] = mail.outbox
    assert email.to == [person.email]
    assert email.subject == f"Your place is booked: {event.title}"
    assert "Hello Ada Lovelace" in email.body


def test_when_full_the_person_joins_the_waiting_list(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    book(event)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = book(event)

    event.refresh_from_db()
    assert waiting.status == Registration.Status.WAITING
    assert event.places_taken == 1
    assert mail.outbox[-1].subject == f"You are on the waiting list: {event.title}"


def test_an_assistant_comes_free_and_takes_no_place():
    event = EventFactory(capacity=1)
    book(event, bringing_assistant=True, share_needs=True)
    second = book(event)

    assert second.status == Registration.Status.WAITING
    event.refresh_from_db()
    assert event.places_taken == 1


def test_one_booking_per_person_per_event():
    event = EventFactory()
    person = UserFactory()
    book(event, person)
    with pytest.raises(ValidationError, match="already have a booking"):
        book(event, person)
    assert Registration.objects.filter(event=event, user=person).count() == 1


def test_the_database_refuses_a_second_booking_row():
    registration = RegistrationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=registration.event,
            user=registration.user,
            status=Registration.Status.WAITING,
            waiting_since=timezone.now(),
        )


def test_the_database_refuses_more_places_than_the_capacity():
    event = EventFactory(capacity=1)
    book(event)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(places_taken=2)


def test_cancelling_gives_the_place_to_the_first_person_waiting(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1)
    holder = book(event)
    first = book(event)
    second = book(event)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=holder)

    first.refresh_from_db()
    second.refresh_from_db()
    event.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED
    assert second.status == Registration.Status.WAITING
    assert event.places_taken == 1
    subjects = {email.to[0]: email.subject for email in mail.outbox}
    assert subjects[first.user.email] == f"You now have a place: {event.title}"
    assert subjects[holder.user.email] == f"Booking cancelled: {event.title}"
    assert second.user.email not in subjects


def test_leaving_the_waiting_list_frees_no_place():
    event = EventFactory(capacity=1)
    book(event)
    waiting = book(event)
    services.registration_cancel(registration=waiting)

    event.refresh_from_db()
    assert event.places_taken == 1


def test_someone_who_cancelled_may_book_again_at_the_back_of_the_queue():
    event = EventFactory(capacity=1)
    person = UserFactory()
    first = book(event, person)
    services.registration_cancel(registration=first)
    other = book(event)

    again = book(event, person)

    assert again.pk == first.pk
    assert again.status == Registration.Status.WAITING
    assert other.status == Registration.Status.CONFIRMED


def test_adding_places_fills_them_from_the_waiting_list():
    event = EventFactory(capacity=1)
    book(event)
    waiting = [book(event) for _ in range(3)]
    Event.objects.filter(pk=event.pk).update(capacity=3)

    promoted = services.event_fill_places(event=event)

    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]
    event.refresh_from_db()
    assert event.places_taken == 3


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"status": Event.Status.DRAFT}, "not open"),
        ({"booking_opens": in_days(3)}, "Booking opens on"),
        ({"booking_closes": in_days(-1)}, "closed"),
        ({"audience": Event.Audience.COUNCIL_STAFF}, "not open to you"),
    ],
)
def test_booking_is_refused_with_a_reason_and_saves_nothing(change, problem):
    event = EventFactory(**change)
    with pytest.raises(ValidationError, match=problem):
        book(event)
    assert not Registration.objects.exists()
    event.refresh_from_db()
    assert event.places_taken == 0


def test_leaders_only_events_take_leaders():
    event = EventFactory(audience=Event.Audience.LEADERS)
    leader = LeaderFactory()
    assert book(event, leader.user).is_confirmed
    with pytest.raises(ValidationError):
        book(event, UserFactory())


def test_invited_people_only():
    guest = UserFactory()
    event = EventFactory(audience=Event.Audience.INVITED)
    event.invited.add(guest)
    assert book(event, guest).is_confirmed
    with pytest.raises(ValidationError):
        book(event, UserFactory())


def test_cancelling_an_event_emails_everyone_booked_or_waiting(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1)
    booked, waiting = book(event), book(event)
    gone = book(event)
    services.registration_cancel(registration=gone)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, reason="The venue flooded.")

    event.refresh_from_db()
    assert event.is_cancelled
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        [booked.user.email, waiting.user.email]
    )
    assert "The venue flooded." in mail.outbox[0].body


def test_attending_records_one_activity_for_a_leader():
    event = EventFactory(start=in_days(-1, 10), end=in_days(-1, 13), capacity=None)
    leader = LeaderFactory()
    helper = LeaderFactory()
    event.co_organisers.add(helper)
    coordinator = UserFactory()
    registrations = [
        RegistrationFactory(event=event, user=leader.user),
        RegistrationFactory(event=event, user=helper.user),
        RegistrationFactory(event=event),
    ]

    services.attendance_record(registrations=registrations, attended=True, by=coordinator)
    services.attendance_record(registrations=registrations, attended=True, by=coordinator)

    assert [a.get_kind_display() for a in leader.activities.all()] == [
        "Attended a regional meeting"
    ]
    assert [a.get_kind_display() for a in helper.activities.all()] == ["Helped plan an event"]
    activity = leader.activities.get()
    assert activity.hours == 3
    assert activity.date == timezone.localdate(event.start)
    assert activity.status == activity.Status.VERIFIED

    services.attendance_record(registrations=registrations[:1], attended=False, by=coordinator)
    assert not leader.activities.exists()


def test_attendance_waits_for_the_event_to_start():
    registration = RegistrationFactory(event=EventFactory())
    marked = services.attendance_record(registrations=[registration], attended=True, by=None)
    assert marked == 0
    registration.refresh_from_db()
    assert registration.attendance == Registration.Attendance.UNKNOWN


@pytest.mark.parametrize(
    ("local_start", "utc_start"),
    [
        # The clocks go forward at 1am on 28 March 2027 and back at 2am on 31 October 2027.
        (datetime.datetime(2027, 3, 27, 10), datetime.datetime(2027, 3, 27, 10)),
        (datetime.datetime(2027, 3, 28, 10), datetime.datetime(2027, 3, 28, 9)),
        (datetime.datetime(2027, 10, 30, 10), datetime.datetime(2027, 10, 30, 9)),
        (datetime.datetime(2027, 10, 31, 10), datetime.datetime(2027, 10, 31, 10)),
    ],
)
def test_times_are_uk_times_either_side_of_the_clock_changes(local_start, utc_start):
    event = EventFactory(
        start=local_start.replace(tzinfo=LONDON),
        end=(local_start + datetime.timedelta(hours=2)).replace(tzinfo=LONDON),
    )
    event.refresh_from_db()
    assert event.start == utc_start.replace(tzinfo=datetime.UTC)
    assert timezone.localtime(event.start).hour == 10
    assert event.hours == 2
    assert event.slug.startswith(f"{local_start:%Y-%m}-")


def test_a_night_across_the_clock_change_lasts_its_real_length():
    # 00:30 to 03:00 on 28 March 2027 is one and a half hours: 1am becomes 2am.
    event = EventFactory(
        start=datetime.datetime(2027, 3, 28, 0, 30, tzinfo=LONDON),
        end=datetime.datetime(2027, 3, 28, 3, 0, tzinfo=LONDON),
    )
    assert event.hours == 1.5


# Many people racing for the last places, each in their own connection.


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_many_people_booking_the_last_places_at_once_never_overbook():
    load_places(Region, LocalAuthority)
    event = EventFactory(capacity=10)
    for _ in range(7):
        book(event)
    people = [UserFactory() for _ in range(20)]
    start = threading.Barrier(len(people))
    errors = []

    def race(person):
        try:
            start.wait()
            book(event, person)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=race, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    event.refresh_from_db()
    mine = Registration.objects.filter(event=event, user__in=people)
    assert mine.filter(status=Registration.Status.CONFIRMED).count() == 3
    assert mine.filter(status=Registration.Status.WAITING).count() == 17
    assert event.places_taken == 10
    assert event.registrations.confirmed().count() == 10

"""Booking places, the waiting list, attendance and the emails around them.

How places stay within the capacity
-----------------------------------
Every change to who holds a place first locks the event's row
(``select_for_update``), so bookings and cancellations for one event happen
one after another. A place is taken by a single conditional ``UPDATE`` that
adds one to ``Event.places_taken`` only while it is below the capacity, and
the ``event_never_overbooked`` check constraint refuses any write that would
take it over. So however many people book the last place at the same moment,
exactly one gets it and the others join the waiting list.

Everyone is emailed once the transaction commits (``citizenleaders.mail``):
an email that cannot be sent never undoes a booking.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from citizenleaders import roles
from citizenleaders.mail import absolute_url, send_email
from citizenleaders.models import StaffRole
from events.models import Event, Registration
from leaders.models import Activity, Leader

REMINDER_DAYS = 2


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _take_place(event: Event) -> bool:
    """Take one place if one is free. Atomic in the database."""
    return bool(
        Event.objects.filter(pk=event.pk)
        .filter(Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity")))
        .update(places_taken=F("places_taken") + 1)
    )


def _free_place(event: Event) -> None:
    Event.objects.filter(pk=event.pk, places_taken__gt=0).update(places_taken=F("places_taken") - 1)


def booking_problem(event: Event, user) -> str | None:
    """Why ``user`` cannot book ``event`` now, or ``None`` if they can."""
    if not Event.objects.visible_to(user).filter(pk=event.pk).exists():
        return "This event is not open to you."
    if event.is_cancelled:
        return "This event has been cancelled."
    if event.status != Event.Status.PUBLISHED:
        return "This event is not open for booking."
    if event.start <= timezone.now():
        return "This event has already started."
    if event.booking_not_yet_open:
        opens = timezone.localtime(event.booking_opens)
        return f"Booking opens on {opens:%-d %B %Y} at {opens:%H:%M}."
    if not event.booking_is_open:
        return "Booking for this event has closed."
    return None


def _email_context(registration: Registration) -> dict:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "person": registration.user,
        "name": registration.user.full_name,
        "event_url": absolute_url(event.get_absolute_url()),
        "bookings_url": absolute_url(reverse("events:mine")),
        "calendar_url": absolute_url(reverse("events:calendar", kwargs={"slug": event.slug})),
    }


@transaction.atomic
def registration_create(
    *,
    event: Event,
    user,
    access_requirements: list[str] | None = None,
    access_details: str = "",
    bringing_assistant: bool = False,
    dietary_needs: str = "",
    share_needs: bool = False,
) -> Registration:
    """Book ``user`` a place on ``event``, or a place on its waiting list when
    it is full. Someone who cancelled before may book again."""
    event = _locked(event)
    problem = booking_problem(event, user)
    if problem:
        raise ValidationError(problem, code="closed")
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is not None and registration.is_active:
        raise ValidationError("You already have a booking for this event.", code="booked")
    registration = registration or Registration(event=event, user=user)
    registration.access_requirements = list(access_requirements or [])
    registration.access_details = access_details
    registration.bringing_assistant = bringing_assistant
    registration.dietary_needs = dietary_needs
    registration.share_needs = share_needs
    registration.cancelled_at = None
    registration.attendance = Registration.Attendance.UNKNOWN
    now = timezone.now()
    if _take_place(event):
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.waiting_since = None
        email = "booking_confirmed"
    else:
        registration.status = Registration.Status.WAITING
        registration.waiting_since = now
        registration.confirmed_at = None
        email = "booking_waiting"
    registration.save()
    send_email(to=user.email, name=email, context=_email_context(registration))
    return registration


@transaction.atomic
def registration_update(
    *,
    registration: Registration,
    access_requirements: list[str] | None = None,
    access_details: str = "",
    bringing_assistant: bool = False,
    dietary_needs: str = "",
    share_needs: bool = False,
) -> Registration:
    """Change what a person told the organisers they need."""
    registration.access_requirements = list(access_requirements or [])
    registration.access_details = access_details
    registration.bringing_assistant = bringing_assistant
    registration.dietary_needs = dietary_needs
    registration.share_needs = share_needs
    registration.save()
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, notify: bool = True) -> Registration:
    """Cancel a booking. A confirmed place goes to the first person waiting.
    The person is emailed unless ``notify`` is false."""
    event = _locked(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        raise ValidationError("This booking is already cancelled.", code="cancelled")
    if event.start <= timezone.now():
        raise ValidationError("This event has already started.", code="started")
    had_place = registration.is_confirmed
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.waiting_since = None
    registration.save()
    if notify:
        send_email(
            to=registration.user.email,
            name="booking_cancelled",
            context=_email_context(registration),
        )
    if had_place:
        _free_place(event)
        event_fill_places(event=event)
    return registration


@transaction.atomic
def registrations_erase(*, user) -> None:
    """For a person closing their account (``leaders.services.participation.
    person_erase``): their places at events still to come go to the people
    waiting, and what they told the organisers they need is erased from
    every booking. The bookings stay, with attendance, for the figures."""
    upcoming = user.event_registrations.active().filter(event__start__gt=timezone.now())
    for registration in upcoming.select_related("event"):
        registration_cancel(registration=registration, notify=False)
    user.event_registrations.update(
        access_requirements=[],
        access_details="",
        bringing_assistant=False,
        dietary_needs="",
        share_needs=False,
    )


@transaction.atomic
def event_fill_places(*, event: Event) -> list[Registration]:
    """Give free places to the people waiting, first come first served, and
    email each of them. Run after a cancellation or when places are added."""
    event = _locked(event)
    if event.status != Event.Status.PUBLISHED or event.start <= timezone.now():
        return []
    promoted = []
    waiting = event.registrations.waiting().select_for_update().select_related("user")
    for registration in waiting:
        if not _take_place(event):
            break
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.waiting_since = None
        registration.save(update_fields=["status", "confirmed_at", "waiting_since", "updated_at"])
        registration.event = event
        send_email(
            to=registration.user.email,
            name="booking_promoted",
            context=_email_context(registration),
        )
        promoted.append(registration)
    return promoted


@transaction.atomic
def event_cancel(*, event: Event, reason: str = "") -> Event:
    """Cancel an event and email everyone with a place or waiting for one."""
    event = _locked(event)
    if event.is_cancelled:
        raise ValidationError("This event is already cancelled.", code="cancelled")
    event.status = Event.Status.CANCELLED
    event.cancelled_at = timezone.now()
    event.cancel_reason = reason
    event.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    for registration in event.registrations.active().select_related("user"):
        registration.event = event
        send_email(
            to=registration.user.email, name="event_cancelled", context=_email_context(registration)
        )
    return event


def event_email_attendees(*, event: Event, subject: str, message: str) -> int:
    """Email everyone with a confirmed place, one email each so nobody sees
    another person's address. Returns how many were emailed."""
    registrations = list(event.registrations.confirmed().select_related("user"))
    for registration in registrations:
        send_email(
            to=registration.user.email,
            name="event_message",
            context={**_email_context(registration), "subject": subject, "message": message},
        )
    return len(registrations)


def _activity_kind(event: Event, leader: Leader) -> str:
    if event.co_organisers.filter(pk=leader.pk).exists():
        return Activity.Kind.EVENT_PLANNING
    return Activity.Kind.REGIONAL_MEETING


@transaction.atomic
def attendance_record(*, registrations, attended: bool, by) -> int:
    """Mark confirmed bookings of events that have started as attended or
    not. A leader who attended gets a verified activity in their log, once:
    marking them again changes nothing, and marking them absent removes it.
    Returns how many bookings were marked."""
    now = timezone.now()
    marked = 0
    rows = (
        Registration.objects.select_for_update(of=("self",))
        .filter(pk__in=[r.pk for r in registrations], status=Registration.Status.CONFIRMED)
        .filter(event__start__lte=now)
        .select_related("event", "user__leader")
    )
    for registration in rows:
        registration.attendance = (
            Registration.Attendance.ATTENDED if attended else Registration.Attendance.ABSENT
        )
        registration.attendance_recorded_at = now
        leader = getattr(registration.user, "leader", None)
        if attended and leader is not None and registration.activity_id is None:
            registration.activity = _attendance_activity(registration, leader, by)
        elif not attended and registration.activity_id is not None:
            registration.activity.delete()
            registration.activity = None
        registration.save()
        marked += 1
    return marked


def _attendance_activity(registration: Registration, leader: Leader, by) -> Activity:
    event = registration.event
    hours = Decimal(str(round(min(max(event.hours, 0.25), 24), 2)))
    return Activity.objects.create(
        leader=leader,
        kind=_activity_kind(event, leader),
        date=timezone.localdate(event.start),
        hours=hours,
        local_authority=event.host_council,
        description=event.title,
        status=Activity.Status.VERIFIED,
        checked_by=by,
        checked_at=timezone.now(),
    )


def _reminder_window(now):
    """Events that start within the next ``REMINDER_DAYS`` days, by UK date."""
    last_day = timezone.localdate(now) + timedelta(days=REMINDER_DAYS)
    return Event.objects.filter(
        status=Event.Status.PUBLISHED,
        start__gt=now,
        start__date__lte=last_day,
    )


def reminders_send(*, now=None) -> tuple[int, int]:
    """Email each person with a place two days before their event, and each
    event's organisers a summary of the access requirements to prepare for.
    Each goes once only, however often this runs: a row is claimed by a
    conditional update before its email is sent. Returns (reminders, summaries)."""
    now = now or timezone.now()
    events = _reminder_window(now)
    reminders = 0
    pending = Registration.objects.filter(
        event__in=events,
        status=Registration.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        user__is_active=True,
    ).select_related("event", "user")
    for registration in pending:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                send_email(
                    to=registration.user.email,
                    name="event_reminder",
                    context=_email_context(registration),
                )
                reminders += 1
    summaries = 0
    for event in events.filter(organiser_summary_sent_at__isnull=True):
        recipients = organiser_emails(event)
        if not recipients:
            continue  # kept for a later run, once the event has an organiser
        with transaction.atomic():
            claimed = Event.objects.filter(
                pk=event.pk, organiser_summary_sent_at__isnull=True
            ).update(organiser_summary_sent_at=now)
            if claimed:
                send_email(
                    to=recipients,
                    name="event_organiser_summary",
                    context=organiser_summary(event),
                )
                summaries += 1
    return reminders, summaries


def organiser_emails(event: Event) -> list[str]:
    """The staff organisers, or the region's coordinators when it has none."""
    emails = list(event.organisers.filter(is_active=True).values_list("email", flat=True))
    if not emails:
        emails = list(
            StaffRole.objects.filter(
                kind=roles.Role.REGIONAL_COORDINATOR,
                region=event.region,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    return emails


def organiser_summary(event: Event) -> dict:
    confirmed = list(event.registrations.confirmed().select_related("user"))
    return {
        "event": event,
        "event_url": absolute_url(
            reverse("admin:events_event_attendees", kwargs={"object_id": event.pk})
        ),
        "confirmed": len(confirmed),
        "assistants": sum(1 for r in confirmed if r.bringing_assistant),
        "with_needs": [r for r in confirmed if r.share_needs and r.has_needs],
        "waiting": event.registrations.waiting().count(),
    }

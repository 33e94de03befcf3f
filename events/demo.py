"""Demo events: past and upcoming, in several regions, with bookings, a
full event with a waiting list and a past one with attendance recorded.

Idempotent: events are found by their address and bookings by person, so
running it again creates nothing twice.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from citizenleaders.models import User
from events.models import Event, Registration
from leaders.models import Leader
from ulos.models import LocalAuthority

# (address, title, kind, audience, council GSS code, days from today, hour,
#  hours long, online, capacity)
EVENTS = [
    ("demo-yorkshire-regional-meeting", "Yorkshire and The Humber regional meeting",
     Event.Kind.REGIONAL_MEETING, Event.Audience.PUBLIC, "E08000035", 12, 10, 5, False, 40),
    ("demo-leeds-direct-payments-training", "Direct payments: training for council staff",
     Event.Kind.STAFF_TRAINING, Event.Audience.COUNCIL_STAFF, "E08000035", 20, 13, 3, False, 20),
    ("demo-online-peer-support", "Online peer support group",
     Event.Kind.PEER_SUPPORT, Event.Audience.LEADERS, "E08000032", 5, 18, 1.5, True, 3),
    ("demo-north-west-conference", "North West conference on choice and control",
     Event.Kind.CONFERENCE, Event.Audience.PUBLIC, "E08000003", 40, 9, 7, False, 120),
    ("demo-london-citizens-training", "Personal budgets: a session for citizens",
     Event.Kind.CITIZEN_TRAINING, Event.Audience.PUBLIC, "E09000033", 30, 11, 2.5, False, None),
    ("demo-yorkshire-planning-meeting", "Planning the spring regional event",
     Event.Kind.PLANNING, Event.Audience.LEADERS, "E08000035", -21, 14, 2, True, 12),
    ("demo-yorkshire-past-regional-meeting", "Autumn regional meeting",
     Event.Kind.REGIONAL_MEETING, Event.Audience.PUBLIC, "E08000035", -45, 10, 5, False, 40),
]  # fmt: skip


def _at(days, hour):
    day = timezone.localdate() + datetime.timedelta(days=days)
    whole, minutes = int(hour), int((hour % 1) * 60)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(whole, minutes)))


@transaction.atomic
def seed_events(*, by=None):
    leaders = list(Leader.objects.filter(status=Leader.Status.ACTIVE).select_related("user")[:12])
    member = User.objects.filter(email="member@example.org").first()
    staff = User.objects.filter(email="council.staff@example.org").first()
    for slug, title, kind, audience, gss, days, hour, hours, online, capacity in EVENTS:
        host = LocalAuthority.objects.select_related("region").get(gss_code=gss)
        start = _at(days, hour)
        event, created = Event.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "kind": kind,
                "audience": audience,
                "summary": f"{title}, hosted by {host.name}.",
                "description": (
                    "Citizen Leaders, council staff and people who use adult social care "
                    "meet to share what works in self-directed support and what needs to change."
                ),
                "region": host.region,
                "host_council": host,
                "start": start,
                "end": start + datetime.timedelta(hours=hours),
                "online": online,
                "joining_link": "https://meet.example.org/citizen-leaders" if online else "",
                "venue_name": "" if online else f"{host.name} Civic Centre",
                "venue_address": "" if online else f"Town Hall Square, {host.name}",
                "travel_directions": (
                    "" if online else "A short walk from the bus station; step-free route."
                ),
                "access_features": ["step_free", "accessible_toilet", "hearing_loop", "bsl"],
                "capacity": capacity,
                "status": Event.Status.PUBLISHED,
            },
        )
        if not created:
            continue
        if by is not None:
            event.organisers.add(by)
        if kind == Event.Kind.PLANNING and leaders:
            event.co_organisers.add(leaders[0])
        people = [leader.user for leader in leaders]
        if audience == Event.Audience.PUBLIC and member:
            people.append(member)
        if audience == Event.Audience.COUNCIL_STAFF:
            people = [staff] if staff else []
        _book(event, people, past=days < 0)


def _book(event, people, *, past):
    now = timezone.now()
    taken = 0
    for number, person in enumerate(people):
        has_place = event.capacity is None or taken < event.capacity
        registration = Registration(
            event=event,
            user=person,
            status=Registration.Status.CONFIRMED if has_place else Registration.Status.WAITING,
            confirmed_at=now if has_place else None,
            waiting_since=None if has_place else now + datetime.timedelta(seconds=number),
            access_requirements=["bsl"] if number % 4 == 0 else [],
            bringing_assistant=number % 5 == 1,
            dietary_needs="Vegetarian" if number % 3 == 2 else "",
            share_needs=True,
        )
        if past and has_place:
            registration.attendance = (
                Registration.Attendance.ATTENDED if number % 4 else Registration.Attendance.ABSENT
            )
            registration.attendance_recorded_at = now
        registration.save()
        taken += has_place
    Event.objects.filter(pk=event.pk).update(places_taken=taken)

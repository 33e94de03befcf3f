"""Events as iCalendar data (RFC 5545), for calendar apps: one event's
``.ics`` file, the public feed of events and a person's private feed of
their bookings.

Times are written in UK time, ``DTSTART;TZID=Europe/London:…``, with a
``VTIMEZONE`` that says when the clocks change, so an event at 10am stays
at 10am in every calendar app, summer or winter. The one exception is a
time in the hour the clocks go back, which happens twice (01:30 on the last
Sunday of October): written as local time it would mean the first of the
two, so such a time is written in UTC instead.

Each event keeps one ``UID`` wherever it appears, so a calendar app updates
the event it already has (new time, cancelled) rather than adding another.
The joining link of an online event is only in the calendar of someone with
a confirmed place.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from citizenleaders.mail import absolute_url
from events.models import Event, Registration

# How often a calendar app should look for changes to a feed.
REFRESH_INTERVAL = timedelta(hours=6)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_uid(event: Event) -> str:
    """The event's identity in every calendar: the same in its own file, in
    the public feed and in a person's feed."""
    return f"event-{event.pk}@{_host()}"


def uk_time(moment: datetime) -> datetime:
    """``moment`` in UK time, or in UTC when the UK time would be ambiguous
    (the second 01:30 on the day the clocks go back)."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return moment.astimezone(UTC)
    return local


def location(event: Event) -> str:
    """Where it is, in one line: "Online", or the venue, address and postcode."""
    if event.online:
        return "Online"
    address_lines = [line.strip(" ,") for line in event.venue_address.splitlines()]
    parts = [event.venue_name, *address_lines, event.venue_postcode]
    return ", ".join(part.strip() for part in parts if part and part.strip())


def _sequence(event: Event) -> int:
    """A number that grows whenever the event is changed, so an app that
    imported an older file takes the newer one. Events do not count their
    revisions; the seconds between creating and last changing one only ever
    grow, and fit in the 32-bit integer apps expect for decades."""
    return max(int((event.updated_at - event.created_at).total_seconds()), 0)


def _description(event: Event, *, waiting: bool, joining_link: bool) -> str:
    paragraphs = []
    if event.is_cancelled:
        paragraphs.append("This event has been cancelled.")
        if event.cancel_reason:
            paragraphs.append(event.cancel_reason)
    elif waiting:
        paragraphs.append(
            "You are on the waiting list for this event. We will email you if a place comes up."
        )
    paragraphs.append(event.summary)
    if joining_link:
        paragraphs.append(f"Joining link: {event.joining_link}")
    paragraphs.append(f"More about this event: {absolute_url(event.get_absolute_url())}")
    return "\n\n".join(paragraphs)


def _status(event: Event, *, waiting: bool) -> str:
    if event.is_cancelled:
        return "CANCELLED"
    # For someone on the waiting list, whether they go is not yet settled.
    return "TENTATIVE" if waiting else "CONFIRMED"


def event_component(
    event: Event, *, waiting: bool = False, joining_link: bool = False, stamp: datetime
) -> icalendar.Event:
    """One ``VEVENT``. ``waiting``: the person is on the waiting list;
    ``joining_link``: they have a confirmed place, so may have the link."""
    joining_link = joining_link and event.online and bool(event.joining_link)
    joining_link = joining_link and not event.is_cancelled
    title = f"(Waiting list) {event.title}" if waiting else event.title
    if event.is_cancelled:
        title = f"Cancelled: {event.title}"
    return icalendar.Event.new(
        uid=event_uid(event),
        stamp=stamp,
        start=uk_time(event.start),
        end=uk_time(event.end),
        summary=title,
        description=_description(event, waiting=waiting, joining_link=joining_link),
        location=location(event),
        url=absolute_url(event.get_absolute_url()),
        status=_status(event, waiting=waiting),
        # An event someone is only waiting for does not make them busy.
        transparency="TRANSPARENT" if waiting or event.is_cancelled else "OPAQUE",
        sequence=_sequence(event),
        last_modified=event.updated_at,
        created=event.created_at,
    )


def _calendar(
    *, name: str, uid: str, components: list[icalendar.Event], feed: bool
) -> icalendar.Calendar:
    calendar = icalendar.Calendar.new(
        prodid=f"-//{settings.SITE_NAME}//Events//EN",
        name=name,
        uid=uid,
        calscale="GREGORIAN",
        method="PUBLISH",
    )
    if feed:
        # RFC 7986's name for how often to look for changes, and the older
        # one that Outlook reads.
        calendar.add("REFRESH-INTERVAL", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH_INTERVAL))
    for component in components:
        calendar.add_component(component)
    _add_time_zones(calendar, components)
    return calendar


def _add_time_zones(calendar: icalendar.Calendar, components: list[icalendar.Event]) -> None:
    """The ``VTIMEZONE`` for UK time, covering the whole years the events
    fall in (so both clock changes of each year), and no more: the file
    stays short."""
    if not components:
        return
    first = min(component.start for component in components)
    last = max(component.end for component in components)
    calendar.add_missing_timezones(
        first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1)
    )


def calendar_of_event(event: Event, *, registration: Registration | None = None):
    """One event's calendar file. With the person's ``registration``, their
    waiting-list place or their joining link shows as in their feed."""
    stamp = timezone.now()
    component = event_component(
        event,
        waiting=registration is not None and registration.is_waiting,
        joining_link=registration is not None and registration.is_confirmed,
        stamp=stamp,
    )
    return _calendar(name=event.title, uid=event_uid(event), components=[component], feed=False)


def calendar_of_public_events(events: Iterable[Event], *, region=None):
    """The public feed of ``events``, for England or for one ``region``."""
    stamp = timezone.now()
    area = region.name if region is not None else "England"
    area_id = region.gss_code if region is not None else "england"
    return _calendar(
        name=f"{settings.SITE_NAME} events – {area}",
        uid=f"events-{area_id}@{_host()}",
        components=[event_component(event, stamp=stamp) for event in events],
        feed=True,
    )


def calendar_of_bookings(registrations: Iterable[Registration], *, user):
    """A person's private feed: the events they have a place at or are
    waiting for."""
    stamp = timezone.now()
    components = [
        event_component(
            registration.event,
            waiting=registration.is_waiting,
            joining_link=registration.is_confirmed,
            stamp=stamp,
        )
        for registration in registrations
    ]
    return _calendar(
        name=f"My {settings.SITE_NAME} events",
        uid=f"bookings-{user.pk}@{_host()}",
        components=components,
        feed=True,
    )

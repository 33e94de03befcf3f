"""Calendar files and feeds: every one parses with the icalendar library and
carries the right UK times, summer, winter and on the days the clocks
change; the public feed lists only public events (for England or one
region); the private feed answers only to its current secret address and
lists only its owner's bookings; joining links go only to people with a
place; and the page where a person finds and renews their address."""

import datetime
import html
import re
from unittest import mock
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citizenleaders.roles import Role
from events.models import CalendarFeed, Event, Registration
from tests.citizenleaders.factories import UserFactory
from tests.conftest import make_person
from tests.events.factories import EventFactory, RegistrationFactory, in_days
from ulos.models import Region

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
FEED = reverse("events:feed")
CALENDAR_PAGE = reverse("events:calendar_feed")
YORKSHIRE = "E12000003"
LONDON_REGION = "E12000007"
JOINING_LINK = "https://meet.example.org/citizen-leaders-123"
# A day well before every event in CLOCK_CHANGES, for the feeds that list
# only events still to come or just ended.
BEFORE_2027 = datetime.datetime(2026, 12, 1, 12, tzinfo=UTC)


def uk(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


# (what, UK start, UK end, UTC start, UTC end). The clocks go forward at 1am
# on Sunday 28 March 2027 and back at 2am on Sunday 31 October 2027.
CLOCK_CHANGES = [
    ("summer", uk(2027, 7, 14, 10), uk(2027, 7, 14, 15), utc(2027, 7, 14, 9), utc(2027, 7, 14, 14)),
    (
        "winter",
        uk(2027, 1, 13, 10),
        uk(2027, 1, 13, 15),
        utc(2027, 1, 13, 10),
        utc(2027, 1, 13, 15),
    ),
    (
        "the day the clocks go forward",
        uk(2027, 3, 28, 10),
        uk(2027, 3, 28, 12),
        utc(2027, 3, 28, 9),
        utc(2027, 3, 28, 11),
    ),
    (
        "across the clocks going forward",
        uk(2027, 3, 28, 0, 30),
        uk(2027, 3, 28, 3),
        utc(2027, 3, 28, 0, 30),
        utc(2027, 3, 28, 2),
    ),
    (
        "the day the clocks go back",
        uk(2027, 10, 31, 10),
        uk(2027, 10, 31, 12),
        utc(2027, 10, 31, 10),
        utc(2027, 10, 31, 12),
    ),
    (
        "across the clocks going back",
        uk(2027, 10, 31, 0, 30),
        uk(2027, 10, 31, 3),
        utc(2027, 10, 30, 23, 30),
        utc(2027, 10, 31, 3),
    ),
]


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """Nobody here logs in with a password, so hash them quickly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def before_2027():
    """It is 1 December 2026, so every event in CLOCK_CHANGES is to come."""
    with mock.patch("django.utils.timezone.now", return_value=BEFORE_2027):
        yield


def parse(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def by_uid(calendar):
    return {str(vevent["UID"]): vevent for vevent in calendar.walk("VEVENT")}


def uid(event):
    return f"event-{event.pk}@{urlsplit(settings.SITE_URL).hostname}"


def event_file(event):
    return reverse("events:calendar", kwargs={"slug": event.slug})


def words(response):
    page = response.content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def feed_path(user):
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return reverse("events:private_feed", kwargs={"token": feed.token})


def online_event(**kwargs):
    return EventFactory(
        online=True, joining_link=JOINING_LINK, venue_name="", venue_postcode="", **kwargs
    )


def clock_change_events():
    return [
        EventFactory(title=f"Meeting: {what}", start=start, end=end)
        for what, start, end, _, _ in CLOCK_CHANGES
    ]


def assert_uk_times(calendar, events, raw):
    """Each event starts and ends at its stored moment, written in UK time
    with the TZID Europe/London, and the calendar's VTIMEZONE agrees."""
    vevents = by_uid(calendar)
    (vtimezone,) = calendar.timezones
    assert vtimezone.tz_name == "Europe/London"
    # The VTIMEZONE on its own, without the name's tz database entry.
    described = vtimezone.to_tz(lookup_tzid=False)
    for event, (what, uk_start, uk_end, utc_start, utc_end) in zip(
        events, CLOCK_CHANGES, strict=True
    ):
        event.refresh_from_db()
        vevent = vevents[uid(event)]
        assert event.start == utc_start, what
        assert vevent.start == event.start, what
        assert vevent.end == event.end, what
        assert vevent.start.astimezone(UTC) == utc_start, what
        assert vevent.end.astimezone(UTC) == utc_end, what
        assert vevent["DTSTART"].params["TZID"] == "Europe/London", what
        assert vevent["DTEND"].params["TZID"] == "Europe/London", what
        assert f"DTSTART;TZID=Europe/London:{uk_start:%Y%m%dT%H%M%S}" in raw, what
        assert f"DTEND;TZID=Europe/London:{uk_end:%Y%m%dT%H%M%S}" in raw, what
        for local, moment in ((uk_start, utc_start), (uk_end, utc_end)):
            offset = local.replace(tzinfo=described).utcoffset()
            assert local.replace(tzinfo=None) - offset == moment.replace(tzinfo=None), what


# --- One event's file ---------------------------------------------------------------


def test_an_event_file_describes_the_event(client):
    event = EventFactory(
        title="Leeds regional meeting",
        venue_address="Calverley Street\nLeeds",
        start=in_days(14, 10),
        end=in_days(14, 15),
    )

    response = client.get(event_file(event))

    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    calendar = parse(response)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Citizen Leaders//Events//EN"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Leeds regional meeting"
    (vevent,) = calendar.walk("VEVENT")
    page = settings.SITE_URL + event.get_absolute_url()
    assert vevent["UID"] == uid(event)
    assert vevent["SUMMARY"] == "Leeds regional meeting"
    assert vevent["URL"] == page
    assert vevent["LOCATION"] == "Leeds Civic Hall, Calverley Street, Leeds, LS1 1UR"
    assert vevent["STATUS"] == "CONFIRMED"
    assert event.summary in vevent["DESCRIPTION"]
    assert page in vevent["DESCRIPTION"]
    assert "DTSTAMP" in vevent
    assert vevent.start == event.start
    assert vevent.end == event.end


def test_an_event_file_is_valid_ical_with_folded_crlf_lines(client):
    event = EventFactory(summary="A long summary of the meeting, " * 8)

    content = client.get(event_file(event)).content

    lines = content.split(b"\r\n")
    assert content.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the description is folded
    assert (
        icalendar.Calendar.from_ical(content)
        .walk("VEVENT")[0]["DESCRIPTION"]
        .startswith("A long summary")
    )


@pytest.mark.parametrize(
    ("what", "uk_start", "uk_end", "utc_start", "utc_end"),
    CLOCK_CHANGES,
    ids=[case[0] for case in CLOCK_CHANGES],
)
def test_an_event_file_carries_uk_times(client, what, uk_start, uk_end, utc_start, utc_end):
    event = EventFactory(start=uk_start, end=uk_end)

    response = client.get(event_file(event))

    calendar = parse(response)
    (vevent,) = calendar.walk("VEVENT")
    event.refresh_from_db()
    assert event.start == utc_start
    assert vevent.start == event.start
    assert vevent.start.astimezone(UTC) == utc_start
    assert vevent.end.astimezone(UTC) == utc_end
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"
    raw = response.content.decode()
    assert f"DTSTART;TZID=Europe/London:{uk_start:%Y%m%dT%H%M%S}" in raw
    assert f"DTEND;TZID=Europe/London:{uk_end:%Y%m%dT%H%M%S}" in raw
    (vtimezone,) = calendar.timezones
    assert vtimezone.tz_name == "Europe/London"
    described = vtimezone.to_tz(lookup_tzid=False)
    assert uk_start.replace(tzinfo=described).utcoffset() == uk_start.utcoffset()
    assert uk_end.replace(tzinfo=described).utcoffset() == uk_end.utcoffset()


def test_the_hour_that_happens_twice_is_written_so_it_cannot_be_misread(client):
    # 01:30 happens twice on 31 October 2027: first in BST (00:30 UTC), then
    # in GMT (01:30 UTC). Written as a UK time it would mean the first.
    first = EventFactory(start=utc(2027, 10, 31, 0, 30), end=utc(2027, 10, 31, 3))
    second = EventFactory(start=utc(2027, 10, 31, 1, 30), end=utc(2027, 10, 31, 3))

    first_raw = client.get(event_file(first)).content.decode()
    second_response = client.get(event_file(second))

    assert "DTSTART;TZID=Europe/London:20271031T013000" in first_raw
    assert "DTSTART:20271031T013000Z" in second_response.content.decode()
    (vevent,) = parse(second_response).walk("VEVENT")
    assert vevent.start == utc(2027, 10, 31, 1, 30)


def test_an_online_event_file_has_the_joining_link_only_for_a_confirmed_place(client, member):
    event = online_event(title="Online peer support")
    waiting = UserFactory()
    Registration.objects.create(
        event=event, user=waiting, status=Registration.Status.WAITING, waiting_since=timezone.now()
    )
    RegistrationFactory(event=event, user=member)

    anonymous = client.get(event_file(event)).content.decode()
    client.force_login(waiting)
    waiting_file = parse(client.get(event_file(event)))
    client.force_login(member)
    confirmed_file = parse(client.get(event_file(event)))

    assert "meet.example.org" not in anonymous
    (waiting_event,) = waiting_file.walk("VEVENT")
    assert JOINING_LINK not in waiting_event["DESCRIPTION"]
    assert waiting_event["SUMMARY"] == "(Waiting list) Online peer support"
    assert waiting_event["STATUS"] == "TENTATIVE"
    assert waiting_event["LOCATION"] == "Online"
    (confirmed_event,) = confirmed_file.walk("VEVENT")
    assert JOINING_LINK in confirmed_event["DESCRIPTION"]
    assert confirmed_event["SUMMARY"] == "Online peer support"


def test_an_event_file_is_kept_only_by_the_persons_own_browser(client):
    response = client.get(event_file(EventFactory()))

    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


@pytest.mark.parametrize(
    ("audience", "role", "status_code"),
    [
        (Event.Audience.LEADERS, Role.ANONYMOUS, 404),
        (Event.Audience.LEADERS, Role.MEMBER, 404),
        (Event.Audience.LEADERS, Role.LEADER, 200),
        (Event.Audience.COUNCIL_STAFF, Role.LEADER, 404),
        (Event.Audience.COUNCIL_STAFF, Role.COUNCIL_STAFF, 200),
        (Event.Audience.INVITED, Role.MEMBER, 404),
        (Event.Audience.PUBLIC, Role.ANONYMOUS, 200),
    ],
)
def test_an_event_file_only_for_someone_who_may_see_the_event(client, audience, role, status_code):
    event = EventFactory(audience=audience)
    user = make_person(role)
    if user is not None:
        client.force_login(user)

    assert client.get(event_file(event)).status_code == status_code


def test_a_draft_has_no_calendar_file(client, national_coordinator):
    event = EventFactory(status=Event.Status.DRAFT)
    client.force_login(national_coordinator)

    assert client.get(event_file(event)).status_code == 404


def test_a_cancelled_event_file_says_so(client):
    event = EventFactory(
        title="Leeds meeting",
        status=Event.Status.CANCELLED,
        cancelled_at=timezone.now(),
        cancel_reason="The venue flooded.",
    )

    (vevent,) = parse(client.get(event_file(event))).walk("VEVENT")

    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["SUMMARY"] == "Cancelled: Leeds meeting"
    assert "The venue flooded." in vevent["DESCRIPTION"]


def test_an_event_file_cannot_be_posted_to(client):
    assert client.post(event_file(EventFactory())).status_code == 405


# --- The public feed ----------------------------------------------------------------


@pytest.fixture
def public_and_not():
    """Events in Yorkshire and London, public and not, past and to come."""
    london = Region.objects.get(gss_code=LONDON_REGION)
    return {
        "leeds": EventFactory(title="Leeds meeting"),
        "london": EventFactory(title="London meeting", region=london, host_council=None),
        "cancelled": EventFactory(
            title="Cancelled meeting", status=Event.Status.CANCELLED, cancelled_at=timezone.now()
        ),
        "last week": EventFactory(
            title="Last week's meeting", start=in_days(-7, 10), end=in_days(-7, 15)
        ),
        "draft": EventFactory(title="Draft meeting", status=Event.Status.DRAFT),
        "leaders": EventFactory(title="Leaders' meeting", audience=Event.Audience.LEADERS),
        "staff": EventFactory(title="Staff training", audience=Event.Audience.COUNCIL_STAFF),
        "invited": EventFactory(title="Planning day", audience=Event.Audience.INVITED),
        "long ago": EventFactory(
            title="Meeting long ago", start=in_days(-60, 10), end=in_days(-60, 15)
        ),
    }


def titles(calendar):
    return {str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")}


def test_the_public_feed_lists_public_events_for_england(client, public_and_not):
    calendar = parse(client.get(FEED))

    assert calendar["X-WR-CALNAME"] == "Citizen Leaders events – England"
    assert titles(calendar) == {
        "Leeds meeting",
        "London meeting",
        "Cancelled: Cancelled meeting",
        "Last week's meeting",
    }
    cancelled = by_uid(calendar)[uid(public_and_not["cancelled"])]
    assert cancelled["STATUS"] == "CANCELLED"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["REFRESH-INTERVAL"].dt == datetime.timedelta(hours=6)


def test_the_public_feed_is_the_same_for_everyone(client, public_and_not, national_coordinator):
    client.force_login(national_coordinator)

    calendar = parse(client.get(FEED))

    assert "Leaders' meeting" not in titles(calendar)
    assert "Draft meeting" not in titles(calendar)
    assert "Staff training" not in titles(calendar)


def test_a_region_feed_lists_only_that_regions_events(client, public_and_not):
    calendar = parse(client.get(FEED, {"region": YORKSHIRE}))

    assert calendar["X-WR-CALNAME"] == "Citizen Leaders events – Yorkshire and The Humber"
    assert titles(calendar) == {
        "Leeds meeting",
        "Cancelled: Cancelled meeting",
        "Last week's meeting",
    }
    london = parse(client.get(FEED, {"region": LONDON_REGION}))
    assert titles(london) == {"London meeting"}


def test_an_unknown_region_has_no_feed(client):
    assert client.get(FEED, {"region": "E12999999"}).status_code == 404


def test_the_public_feed_never_has_joining_links(client):
    online_event(title="Online meeting")

    response = client.get(FEED)

    assert "Online meeting" in titles(parse(response))
    assert b"meet.example.org" not in response.content


def test_the_public_feed_carries_uk_times(client, before_2027):
    events = clock_change_events()

    response = client.get(FEED)

    assert_uk_times(parse(response), events, response.content.decode())


def test_the_public_feed_may_be_cached_by_anyone(client):
    response = client.get(FEED)

    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "public" in directives
    assert "Cookie" not in response.get("Vary", "")


def test_the_public_feed_runs_the_same_queries_however_many_events(client):
    EventFactory()
    with CaptureQueriesContext(connection) as one:
        client.get(FEED, {"region": YORKSHIRE})
    for _ in range(4):
        EventFactory()
    with CaptureQueriesContext(connection) as five:
        response = client.get(FEED, {"region": YORKSHIRE})

    assert len(parse(response).walk("VEVENT")) == 5
    assert len(five) == len(one)


# --- The private feed ---------------------------------------------------------------


@pytest.fixture
def bookings(member):
    """The member's bookings: a place in person, a place online, a waiting
    place online, a cancelled booking, a place at a cancelled event; and
    someone else's place."""
    someone_else = UserFactory()
    in_person = RegistrationFactory(user=member, event=EventFactory(title="In person")).event
    online = RegistrationFactory(user=member, event=online_event(title="Online")).event
    waiting_for = online_event(title="Full online")
    Registration.objects.create(
        event=waiting_for,
        user=member,
        status=Registration.Status.WAITING,
        waiting_since=timezone.now(),
    )
    gave_up = EventFactory(title="Gave up")
    Registration.objects.create(
        event=gave_up,
        user=member,
        status=Registration.Status.CANCELLED,
        cancelled_at=timezone.now(),
    )
    called_off = RegistrationFactory(user=member, event=online_event(title="Called off")).event
    Event.objects.filter(pk=called_off.pk).update(
        status=Event.Status.CANCELLED, cancelled_at=timezone.now()
    )
    not_mine = RegistrationFactory(user=someone_else, event=EventFactory(title="Not mine")).event
    return {
        "in person": in_person,
        "online": online,
        "waiting": waiting_for,
        "gave up": gave_up,
        "called off": called_off,
        "not mine": not_mine,
    }


def test_the_private_feed_lists_the_owners_bookings(client, member, bookings):
    calendar = parse(client.get(feed_path(member)))

    assert calendar["X-WR-CALNAME"] == "My Citizen Leaders events"
    assert titles(calendar) == {
        "In person",
        "Online",
        "(Waiting list) Full online",
        "Cancelled: Called off",
    }
    assert by_uid(calendar)[uid(bookings["called off"])]["STATUS"] == "CANCELLED"


def test_the_private_feed_has_joining_links_only_for_confirmed_places_online(
    client, member, bookings
):
    vevents = by_uid(parse(client.get(feed_path(member))))

    assert JOINING_LINK in vevents[uid(bookings["online"])]["DESCRIPTION"]
    assert JOINING_LINK not in vevents[uid(bookings["waiting"])]["DESCRIPTION"]
    assert JOINING_LINK not in vevents[uid(bookings["called off"])]["DESCRIPTION"]
    assert "JOINING" not in vevents[uid(bookings["in person"])]["DESCRIPTION"].upper()


def test_the_private_feed_needs_no_login_but_no_shared_cache_keeps_it(client, member, bookings):
    response = client.get(feed_path(member))

    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_the_private_feed_refuses_a_wrong_address(client, member, bookings):
    feed_path(member)

    response = client.get(reverse("events:private_feed", kwargs={"token": "not-the-token"}))

    assert response.status_code == 404


def test_a_renewed_address_replaces_the_old_one(client, member, bookings):
    old = feed_path(member)
    client.force_login(member)

    client.post(CALENDAR_PAGE)
    client.logout()

    new = feed_path(member)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_closed_accounts_feed_is_gone(client, member, bookings):
    path = feed_path(member)
    member.is_active = False
    member.save()

    assert client.get(path).status_code == 404


def test_the_private_feed_carries_uk_times(client, member):
    events = clock_change_events()
    for event in events:
        RegistrationFactory(user=member, event=event)

    response = client.get(feed_path(member))

    assert_uk_times(parse(response), events, response.content.decode())


def test_the_private_feed_runs_the_same_queries_however_many_bookings(client, member):
    path = feed_path(member)
    RegistrationFactory(user=member)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    for _ in range(4):
        RegistrationFactory(user=member)
    with CaptureQueriesContext(connection) as five:
        response = client.get(path)

    assert len(parse(response).walk("VEVENT")) == 5
    assert len(five) == len(one)


# --- The page with the person's address ---------------------------------------------


def test_the_calendar_page_asks_an_anonymous_person_to_log_in(client):
    response = client.get(CALENDAR_PAGE)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={CALENDAR_PAGE}"
    assert not CalendarFeed.objects.exists()


def test_the_calendar_page_shows_the_persons_working_address(client, member, bookings):
    client.force_login(member)

    response = client.get(CALENDAR_PAGE)

    feed = CalendarFeed.objects.get(user=member)
    address = settings.SITE_URL + reverse("events:private_feed", kwargs={"token": feed.token})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Your calendar feed – Citizen Leaders</title>" in page
    assert page.count("<h1") == 1
    assert address in words(response)
    assert "Keep this address private" in words(response)
    assert "Google Calendar" in page and "Outlook" in page and "iPhone" in page
    assert "<script>" not in page and " style=" not in page
    # The address shown is the one that works.
    client.logout()
    assert "In person" in titles(parse(client.get(address.removeprefix(settings.SITE_URL))))


def test_the_calendar_page_keeps_the_same_address(client, member):
    client.force_login(member)

    client.get(CALENDAR_PAGE)
    token = CalendarFeed.objects.get(user=member).token
    client.get(CALENDAR_PAGE)

    assert CalendarFeed.objects.get(user=member).token == token


def test_getting_a_new_address(client, member):
    client.force_login(member)
    client.get(CALENDAR_PAGE)
    old = CalendarFeed.objects.get(user=member).token

    response = client.post(CALENDAR_PAGE)

    assert response.status_code == 302
    assert response["Location"] == CALENDAR_PAGE
    new = CalendarFeed.objects.get(user=member).token
    assert new != old
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "You have a new calendar address. The old one no longer works: add the new one "
        "to your calendar app"
    ]
    page = client.get(CALENDAR_PAGE)
    assert new in page.content.decode()
    assert old not in page.content.decode()


def test_an_anonymous_post_changes_no_address(client, member):
    old = CalendarFeed.objects.create(user=member).token

    response = client.post(CALENDAR_PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert CalendarFeed.objects.get(user=member).token == old


def test_each_person_sees_only_their_own_address(client, member):
    someone_else = UserFactory()
    theirs = CalendarFeed.objects.create(user=someone_else).token
    client.force_login(member)

    response = client.get(CALENDAR_PAGE)

    assert theirs not in response.content.decode()
    assert CalendarFeed.objects.get(user=someone_else).token == theirs

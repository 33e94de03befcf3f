"""Events in a real browser: every events page, for each kind of visitor,
passes axe-core, has one h1 and fits 320 px, with and without JavaScript;
the booking form in error does too; booking with access needs works with
the keyboard alone, and without JavaScript; and a cancelled place goes to
the first person waiting."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from citizenleaders.roles import Role
from events import services
from events.models import Event, Registration
from tests.browser.conftest import axe_violations, fits_320_pixels, sign_in_browser, tab_to
from tests.conftest import make_person
from tests.events.factories import EventFactory, in_days

LONG_WORD = "Supercalifragilisticexpialidocious" * 3


@pytest.fixture
def events():
    """One event in each state a page can show: open, online, full, not yet
    open for booking, for leaders only, cancelled and past."""
    open_event = EventFactory(
        title="Leeds regional meeting",
        slug="browser-open",
        description=f"We talk about direct payments. {LONG_WORD}",
        travel_directions="Five minutes from Leeds station on foot.",
        access_notes="The lift is at the back of the building.",
        access_features=["step_free", "hearing_loop", "bsl", "free_assistant_place"],
        capacity=10,
    )
    online = EventFactory(
        title="Online peer support",
        slug="browser-online",
        kind=Event.Kind.PEER_SUPPORT,
        online=True,
        joining_link="https://meet.example.org/a-very-long-joining-link-that-must-wrap-at-320px",
        venue_name="",
        venue_address="",
        venue_postcode="",
        capacity=None,
    )
    full = EventFactory(title="Sheffield training day", slug="browser-full", capacity=1)
    services.registration_create(event=full, user=make_person(Role.MEMBER))
    not_yet_open = EventFactory(
        title="York conference",
        slug="browser-not-yet-open",
        kind=Event.Kind.CONFERENCE,
        booking_opens=in_days(7),
    )
    leaders_only = EventFactory(
        title="Leaders planning meeting",
        slug="browser-leaders",
        kind=Event.Kind.PLANNING,
        audience=Event.Audience.LEADERS,
    )
    cancelled = EventFactory(title="Hull meeting", slug="browser-cancelled")
    services.event_cancel(event=cancelled, reason=f"The venue flooded. {LONG_WORD}")
    past = EventFactory(
        title="Last year's meeting",
        slug="browser-past",
        start=in_days(-30),
        end=in_days(-30) + datetime.timedelta(hours=3),
    )
    return {
        "open": open_event,
        "online": online,
        "full": full,
        "not_yet_open": not_yet_open,
        "leaders_only": leaders_only,
        "cancelled": cancelled,
        "past": past,
    }


PUBLIC_EVENT_PAGES = [
    reverse("events:list"),
    reverse("events:list") + "?region=E12000003&kind=regional_meeting&where=in_person",
    reverse("events:list") + "?region=not-a-region&month=not-a-month",
    reverse("events:past"),
    *[reverse("events:detail", args=[slug]) for slug in ("browser-open", "browser-online")],
    *[reverse("events:detail", args=[slug]) for slug in ("browser-full", "browser-not-yet-open")],
    *[reverse("events:detail", args=[slug]) for slug in ("browser-cancelled", "browser-past")],
]


def signed_in_pages(role):
    pages = [
        # A booking on the online event, so its cancel page has something to cancel.
        reverse("events:book", args=["browser-open"]),
        reverse("events:book", args=["browser-full"]),
        reverse("events:book", args=["browser-online"]),
        reverse("events:book", args=["browser-not-yet-open"]),
        reverse("events:cancel", args=["browser-online"]),
        reverse("events:mine"),
        reverse("events:calendar_feed"),
    ]
    if role == Role.LEADER:
        pages.append(reverse("events:detail", args=["browser-leaders"]))
    return pages


def check(page, where, problems, javascript):
    if page.locator("h1").count() != 1:
        problems.append(f"{where}: {page.locator('h1').count()} h1 elements")
    elif not page.locator("h1").is_visible():
        problems.append(f"{where}: the h1 is not visible")
    if javascript:
        problems.extend(f"{where}: {violation}" for violation in axe_violations(page))
    if not fits_320_pixels(page):
        problems.append(f"{where}: scrolls sideways at 320 px")
    page.set_viewport_size({"width": 1024, "height": 768})


@pytest.mark.parametrize("role", [Role.ANONYMOUS, Role.MEMBER, Role.LEADER], ids=str)
def test_every_events_page_passes_the_checks_for(role, site, browser, events):
    person = make_person(role, full_name="Ada Lovelace")
    paths = list(PUBLIC_EVENT_PAGES)
    if person:
        services.registration_create(event=events["online"], user=person)
        paths += signed_in_pages(role)
    problems = []
    titles = {}
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        if person:
            sign_in_browser(context, person, site)
        page = context.new_page()
        for path in paths:
            page.set_viewport_size({"width": 1024, "height": 768})
            response = page.goto(site + path)
            where = f"{path} ({'with' if javascript else 'without'} JavaScript)"
            if response.status != 200:
                problems.append(f"{where}: answered {response.status}")
                continue
            if javascript:
                titles.setdefault(page.title(), set()).add(path.partition("?")[0])
            check(page, where, problems, javascript)
        if person:
            # The booking form sent with needs but without the consent to share them.
            page.goto(site + reverse("events:book", args=["browser-open"]))
            page.get_by_label("Wheelchair access").check()
            page.get_by_label("No", exact=True).check()
            page.get_by_role("button", name="Book a place").click()
            where = f"the booking form in error ({'with' if javascript else 'without'} JavaScript)"
            expect(page.get_by_text("There is a problem")).to_be_visible()
            assert page.title().startswith("Error: "), where
            check(page, where, problems, javascript)
        context.close()

    shared = {title: found for title, found in titles.items() if len(found) > 1}
    assert problems == [], "\n".join(problems)
    assert shared == {}, f"Pages share a title: {shared}"
    assert not Registration.objects.filter(event=events["open"]).exists()


def press_and_wait(page, key="Enter"):
    with page.expect_navigation():
        page.keyboard.press(key)


def test_booking_with_access_needs_with_the_keyboard_alone(site, page, events):
    person = make_person(Role.LEADER, full_name="Ada Lovelace")
    sign_in_browser(page.context, person, site)
    mail.outbox.clear()
    page.goto(site + reverse("events:list"))

    tab_to(page, page.get_by_role("link", name="Leeds regional meeting"))
    press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Leeds regional meeting")
    expect(page.get_by_text("10 of 10 places left")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Book a place"))
    press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a place")
    expect(page.get_by_text("does not take an attendee’s place")).to_be_visible()

    wheelchair = page.get_by_label("Wheelchair access")
    tab_to(page, wheelchair)
    page.keyboard.press("Space")
    expect(wheelchair).to_be_checked()
    tab_to(page, page.get_by_label("Anything else you need (optional)"))
    page.keyboard.type("A seat near the door, please.")
    yes = page.get_by_label("Yes", exact=True)
    tab_to(page, yes)
    page.keyboard.press("Space")
    expect(yes).to_be_checked()
    tab_to(page, page.get_by_label("Do you have any dietary needs? (optional)"))
    page.keyboard.type("Vegetarian")

    # Sent without agreeing to share: the error summary takes focus, and its
    # link leads to the box to tick.
    tab_to(page, page.get_by_role("button", name="Book a place"))
    press_and_wait(page)
    expect(page).to_have_title(re.compile("^Error: "))
    assert not Registration.objects.filter(user=person).exists()
    summary_link = page.get_by_role("link", name=re.compile("^Tick the box to agree"))
    tab_to(page, summary_link)
    page.keyboard.press("Enter")
    consent = page.get_by_label("I agree to the organisers being told what I need")
    expect(consent).to_be_focused()
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    # What was entered before is still there.
    expect(page.get_by_label("Wheelchair access")).to_be_checked()
    expect(page.get_by_label("Anything else you need (optional)")).to_have_value(
        "A seat near the door, please."
    )
    tab_to(page, page.get_by_role("button", name="Book a place"))
    press_and_wait(page)

    expect(page.get_by_text("Your place is booked")).to_be_visible()
    expect(page.get_by_text("9 of 10 places left")).to_be_visible()
    booking = Registration.objects.get(user=person, event=events["open"])
    assert booking.status == Registration.Status.CONFIRMED
    assert booking.access_requirements == ["wheelchair"]
    assert booking.access_details == "A seat near the door, please."
    assert booking.bringing_assistant is True
    assert booking.dietary_needs == "Vegetarian"
    assert booking.share_needs is True
    assert [message.to for message in mail.outbox] == [[person.email]]

    tab_to(page, page.get_by_role("link", name="See all your bookings"))
    press_and_wait(page)
    expect(page.get_by_role("link", name="Leeds regional meeting", exact=True)).to_be_visible()
    expect(page.get_by_text("Place confirmed")).to_be_visible()


def test_booking_and_cancelling_without_javascript_gives_the_place_to_the_first_waiting(
    site, browser, events
):
    full = events["full"]
    holder = Registration.objects.get(event=full).user
    first = make_person(Role.MEMBER, full_name="First Waiting")
    second = make_person(Role.MEMBER, full_name="Second Waiting")

    pages = {}
    for person in (first, second):
        context = browser.new_context(java_script_enabled=False)
        sign_in_browser(context, person, site)
        pages[person] = context.new_page()
        pages[person].goto(site + full.get_absolute_url())
        expect(pages[person].get_by_text("Full – waiting list")).to_be_visible()
        pages[person].get_by_role("button", name="Join the waiting list").click()
        pages[person].get_by_label("No", exact=True).check()
        pages[person].get_by_role("button", name="Join the waiting list").click()
        expect(pages[person].get_by_text("You are on the waiting list")).to_be_visible()
    expect(pages[second].get_by_text("You are number 2 on the waiting list")).to_be_visible()

    context = browser.new_context(java_script_enabled=False)
    sign_in_browser(context, holder, site)
    page = context.new_page()
    page.goto(site + reverse("events:mine"))
    mail.outbox.clear()
    page.get_by_role("link", name=f"Cancel your place for {full.title}").click()
    page.get_by_role("button", name="Yes, cancel my place").click()
    expect(page.get_by_text(f"Your place at {full.title} is cancelled")).to_be_visible()

    pages[first].goto(site + reverse("events:mine"))
    expect(pages[first].get_by_text("Place confirmed")).to_be_visible()
    pages[second].reload()
    expect(pages[second].get_by_text("You are number 1 on the waiting list")).to_be_visible()
    promoted = [message for message in mail.outbox if message.to == [first.email]]
    assert len(promoted) == 1
    assert full.title in promoted[0].subject
    full.refresh_from_db()
    assert full.places_taken == 1


def test_the_joining_link_shows_only_once_a_place_is_confirmed(site, browser, events):
    online = events["online"]
    person = make_person(Role.MEMBER)
    context = browser.new_context()
    sign_in_browser(context, person, site)
    page = context.new_page()
    page.goto(site + online.get_absolute_url())
    link = page.get_by_role("link", name=online.joining_link)
    expect(link).to_have_count(0)
    expect(page.get_by_text("Shown here to people with a confirmed place.")).to_be_visible()
    page.get_by_role("button", name="Book a place").click()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Book a place").click()
    expect(page.get_by_text("Your place is booked")).to_be_visible()
    expect(link).to_be_visible()

"""A Citizen Leader's own pages and the public stories in a real browser:
every page passes axe-core, has one h1 and fits 320 px, with and without
JavaScript; forms in error do too; and the main journeys work with the
keyboard alone and without JavaScript."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from citizenleaders.roles import Role
from leaders.models import Activity, Story
from tests.browser.conftest import axe_violations, fits_320_pixels, sign_in_browser, tab_to
from tests.conftest import make_person
from tests.leaders.factories import ActivityFactory, StoryFactory


@pytest.fixture
def leader():
    user = make_person(Role.LEADER, full_name="Ada Lovelace")
    return user.leader


@pytest.fixture
def records(leader):
    long_word = "Supercalifragilisticexpialidocious" * 3
    pending = ActivityFactory(leader=leader, description=f"A long word: {long_word}")
    verified = ActivityFactory(
        leader=leader, status=Activity.Status.VERIFIED, checked_at=timezone.now()
    )
    queried = ActivityFactory(
        leader=leader,
        kind=Activity.Kind.PEER_SUPPORT,
        status=Activity.Status.QUERIED,
        query="Which meeting was this?",
    )
    story = StoryFactory(
        leader=leader,
        status=Story.Status.APPROVED,
        approved_at=timezone.now(),
        title=f"A title with {long_word}",
    )
    return {"pending": pending, "verified": verified, "queried": queried, "story": story}


def check(page, where, problems, javascript):
    if page.locator("h1").count() != 1:
        problems.append(f"{where}: {page.locator('h1').count()} h1 elements")
    if javascript:
        problems.extend(f"{where}: {violation}" for violation in axe_violations(page))
    if not fits_320_pixels(page):
        problems.append(f"{where}: scrolls sideways at 320 px")
    page.set_viewport_size({"width": 1024, "height": 768})


def test_every_leader_page_passes_the_checks(site, browser, leader, records):
    pages = [
        reverse("me"),
        reverse("leaders:profile"),
        reverse("leaders:training"),
        reverse("leaders:activities"),
        reverse("leaders:activity_add"),
        records["pending"].get_absolute_url(),
        records["queried"].get_absolute_url(),
        records["verified"].get_absolute_url(),
        reverse("leaders:activity_delete", args=[records["pending"].pk]),
        reverse("leaders:stories"),
        reverse("leaders:story_add"),
        reverse("leaders:story_detail", args=[records["story"].pk]),
        reverse("leaders:story_edit", args=[records["story"].pk]),
        reverse("leaders:story_withdraw", args=[records["story"].pk]),
        reverse("leaders:data"),
        reverse("leaders:close"),
        reverse("stories:list"),
        reverse("stories:detail", args=[records["story"].pk]),
    ]
    # Forms sent with a wrong answer, to check the pages in error.
    in_error = {
        reverse("leaders:profile"): ("Phone number (optional)", "call me", "Save your profile"),
        reverse("leaders:activity_add"): ("How many hours did it take?", "lots", "Save activity"),
        reverse("leaders:story_add"): ("Give your story a title", "", "Send your story"),
        reverse("leaders:close"): ("Your password", "not my password", "Close my account"),
    }
    problems = []
    titles = {}
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        sign_in_browser(context, leader.user, site)
        page = context.new_page()
        for path in pages:
            page.set_viewport_size({"width": 1024, "height": 768})
            response = page.goto(site + path)
            where = f"{path} ({'with' if javascript else 'without'} JavaScript)"
            if response.status != 200:
                problems.append(f"{where}: answered {response.status}")
                continue
            titles.setdefault(page.title(), set()).add(path)
            check(page, where, problems, javascript)
        for path, (label, answer, button) in in_error.items():
            page.goto(site + path)
            page.get_by_label(label, exact=True).fill(answer)
            page.get_by_role("button", name=button).click()
            where = f"{path} in error ({'with' if javascript else 'without'} JavaScript)"
            expect(page.get_by_text("There is a problem")).to_be_visible()
            assert page.title().startswith("Error: "), where
            check(page, where, problems, javascript)
        context.close()

    shared = {title: paths for title, paths in titles.items() if len(paths) > 1}
    assert problems == [], "\n".join(problems)
    assert shared == {}, f"Pages share a title: {shared}"


def test_a_leader_logs_an_activity_with_the_keyboard_and_no_javascript(site, browser, leader):
    context = browser.new_context(java_script_enabled=False)
    sign_in_browser(context, leader.user, site)
    page = context.new_page()
    page.goto(site + reverse("leaders:activities"))

    add = page.get_by_role("button", name="Log an activity")
    tab_to(page, add)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log an activity")

    # A first try with the hours missing: the error summary leads to the field.
    page.get_by_label("Gave peer support").check()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Day").fill(str(yesterday.day))
    page.get_by_label("Month").fill(str(yesterday.month))
    page.get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Describe what you did").fill("Met a carer to talk about direct payments.")
    page.get_by_role("button", name="Save activity").click()
    expect(page).to_have_title(re.compile("^Error: Log an activity"))
    page.get_by_role("link", name="Enter how many hours it took").click()
    page.keyboard.type("1.5")
    page.get_by_role("button", name="Save activity").click()

    expect(page.get_by_text("Activity logged")).to_be_visible()
    activity = leader.activities.get()
    assert activity.kind == "peer_support"
    assert activity.date == yesterday
    assert str(activity.hours) == "1.50"


def test_a_leader_withdraws_consent_and_the_story_leaves_the_website(site, browser, leader):
    story = StoryFactory(
        leader=leader,
        status=Story.Status.APPROVED,
        approved_at=timezone.now(),
        title="Choosing my support",
    )
    page = browser.new_page()
    page.goto(site + reverse("stories:list"))
    expect(page.get_by_role("link", name="Choosing my support")).to_be_visible()
    expect(page.get_by_text("By Ada", exact=True)).to_be_visible()

    context = browser.new_context(java_script_enabled=False)
    sign_in_browser(context, leader.user, site)
    own = context.new_page()
    own.goto(site + reverse("leaders:story_detail", args=[story.pk]))
    own.get_by_role("button", name="Withdraw your consent").click()
    own.get_by_role("button", name="Yes, withdraw my consent").click()
    expect(own.get_by_text("You have withdrawn consent")).to_be_visible()

    page.reload()
    expect(page.get_by_role("link", name="Choosing my support")).to_have_count(0)
    assert page.goto(site + reverse("stories:detail", args=[story.pk])).status == 404

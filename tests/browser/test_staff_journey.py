"""Council staff in a real browser: every page they and the leaders they ask
use passes the checks, and the whole journey of a request works, from logging
in with two-factor to the leader's activity in their log."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from citizenleaders.models import StaffRole
from citizenleaders.roles import Role
from leaders.models import Activity, InvolvementMatch, InvolvementRequest, Skill
from tests.browser.conftest import axe_violations, fits_320_pixels, sign_in_browser
from tests.citizenleaders.factories import PASSWORD, StaffRoleFactory, UserFactory
from tests.conftest import make_person, totp_code
from tests.leaders.factories import (
    ActivityFactory,
    InvolvementMatchFactory,
    InvolvementRequestFactory,
    LeaderFactory,
    council,
)

LONG_WORD = "Supercalifragilisticexpialidocious" * 3


@pytest.fixture
def staff():
    user = UserFactory(email="chris.council@leeds.example.org", two_factor=True)
    StaffRoleFactory(user=user, kind=StaffRole.Kind.COUNCIL_STAFF, local_authority=council())
    return user


@pytest.fixture
def sam():
    """A leader in Leeds who appears in the directory and speaks in public."""
    leader = LeaderFactory(
        user=UserFactory(full_name="Sam Shah", email="sam.shah@example.org"),
        local_authority=council(),
        status="active",
        in_directory=True,
        directory_shows_email=True,
        bio="I use a personal budget and speak about it at council meetings.",
        access_needs="Private: needs a hearing loop",
        phone="07700 900123",
        available_in_person=True,
    )
    leader.skills.set(Skill.objects.filter(slug="public-speaking"))
    return leader


@pytest.fixture
def others():
    """Leaders the filters should leave out."""
    bradford = LeaderFactory(
        user=UserFactory(full_name="Bea Bradford"),
        local_authority=council("E08000032"),
        status="active",
        in_directory=True,
        bio=f"Bradford peer supporter. {LONG_WORD}",
    )
    hidden = LeaderFactory(
        user=UserFactory(full_name="Sam Hidden"),
        local_authority=council(),
        status="active",
        in_directory=False,
    )
    return [bradford, hidden]


def log_in_with_two_factor(page, site, user, next_path):
    page.goto(f"{site}/accounts/login/?next={next_path}")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(totp_code())
    page.get_by_role("button", name="Continue").click()


def test_from_the_directory_to_a_confirmed_activity(site, browser, staff, sam, others):
    # Council staff log in with a code from their authenticator app.
    staff_page = browser.new_context().new_page()
    log_in_with_two_factor(staff_page, site, staff, "/directory/")
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("Directory of Citizen Leaders")
    expect(staff_page.get_by_text("Sam Hidden")).to_have_count(0)

    # Filter the directory: Leeds, public speaking, a name.
    staff_page.get_by_label("Council area").select_option(label="Leeds")
    staff_page.get_by_label("Public speaking").check()
    staff_page.get_by_label("Search names and bios").fill("shah")
    staff_page.get_by_role("button", name="Apply filters").click()
    expect(staff_page.get_by_role("heading", name="1 leader found")).to_be_visible()
    expect(staff_page).to_have_url(re.compile(r"q=shah"))
    expect(staff_page.get_by_text("Bea Bradford")).to_have_count(0)

    # Their page shows what Sam chose to share and nothing private.
    staff_page.get_by_role("link", name="Sam Shah").click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("Sam Shah")
    expect(staff_page.get_by_text("sam.shah@example.org")).to_be_visible()
    expect(staff_page.get_by_text("hearing loop")).to_have_count(0)
    expect(staff_page.get_by_text("07700 900123")).to_have_count(0)

    # Ask for Sam's involvement in a meeting today.
    staff_page.get_by_role("button", name=re.compile("Ask for Sam")).click()
    staff_page.get_by_label("A meeting").check()
    staff_page.get_by_label("Give it a short title").fill("Direct payments review")
    today = timezone.localdate()
    staff_page.get_by_label("Day").fill(str(today.day))
    staff_page.get_by_label("Month").fill(str(today.month))
    staff_page.get_by_label("Year").fill(str(today.year))
    staff_page.get_by_label("How long will it take, in hours?").fill("2")
    staff_page.get_by_label("In person").check()
    staff_page.get_by_label("Where is it?").fill("Civic Hall, Leeds")
    staff_page.get_by_role("group", name="Will you pay travel and other expenses?").get_by_label(
        "Yes"
    ).check()
    staff_page.get_by_role(
        "group", name="Will you pay the leader for their involvement?"
    ).get_by_label("No").check()
    staff_page.get_by_label("Describe what it involves").fill(
        "Tell the panel what works and what does not about direct payments."
    )
    expect(staff_page.get_by_label("Sam Shah")).to_be_checked()
    staff_page.get_by_role("button", name="Send request").click()
    request = InvolvementRequest.objects.get()
    expect(staff_page.get_by_text(request.reference).first).to_be_visible()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("Direct payments review")

    # The regional coordinator matches Sam in the back office.
    coordinator = make_person(Role.REGIONAL_COORDINATOR)
    coordinator_context = browser.new_context()
    sign_in_browser(coordinator_context, coordinator, site)
    admin_page = coordinator_context.new_page()
    admin_page.goto(site + reverse("admin:leaders_involvementrequest_change", args=[request.pk]))
    admin_page.get_by_role("link", name="Match leaders").click()
    admin_page.get_by_label(re.compile("Sam Shah")).check()
    admin_page.locator("input[type=submit].default").click()
    expect(admin_page.locator(".messagelist")).to_contain_text("Sam Shah")
    request.refresh_from_db()
    assert request.status == InvolvementRequest.Status.MATCHED

    # Sam sees the offer on their account page and accepts it.
    leader_context = browser.new_context()
    sign_in_browser(leader_context, sam.user, site)
    leader_page = leader_context.new_page()
    leader_page.goto(site + reverse("me"))
    leader_page.get_by_role("link", name="Direct payments review").click()
    leader_page.get_by_role("button", name="Accept: I can take part").click()
    request.refresh_from_db()
    assert request.status == InvolvementRequest.Status.ACCEPTED

    # The council staff member sees it accepted, and marks it completed.
    staff_page.reload()
    expect(staff_page.get_by_text("Accepted").first).to_be_visible()
    staff_page.get_by_role("button", name="Mark as completed").click()
    staff_page.get_by_role("button", name="Yes, mark as completed").click()
    expect(staff_page.get_by_text("Completed").first).to_be_visible()

    # Sam confirms the activity, filled in from the request, and it is in the log.
    leader_page.goto(site + reverse("me"))
    leader_page.get_by_role("link", name="Confirm your activity: Direct payments review").click()
    expect(leader_page.get_by_label("How many hours")).to_have_value(re.compile(r"^2"))
    leader_page.get_by_role("button", name="Save to my activity log").click()
    activity = Activity.objects.get(leader=sam)
    assert activity.local_authority == council()
    assert activity.date == today
    assert InvolvementMatch.objects.get().activity == activity
    leader_page.goto(site + reverse("leaders:activities"))
    expect(leader_page.get_by_text(activity.get_kind_display()).first).to_be_visible()


@pytest.fixture
def requests_in_every_state(staff, sam):
    today = timezone.localdate()
    open_request = InvolvementRequestFactory(requester=staff, title=f"Open request {LONG_WORD}")
    accepted = InvolvementRequestFactory(
        requester=staff, title="Accepted request", date=today, status="accepted"
    )
    match = InvolvementMatchFactory(request=accepted, leader=sam, status="accepted")
    completed = InvolvementRequestFactory(
        requester=staff,
        title="Completed request",
        date=today,
        status="completed",
        completed_at=timezone.now(),
    )
    done = InvolvementMatchFactory(request=completed, leader=sam, status="accepted")
    ActivityFactory(
        leader=sam,
        local_authority=council(),
        status=Activity.Status.VERIFIED,
        challenge="Direct payment forms were too long.",
        change="The council cut the form to two pages.",
    )
    return {"open": open_request, "accepted": accepted, "match": match, "done": done}


def check(page, where, problems, javascript):
    if page.locator("h1").count() != 1:
        problems.append(f"{where}: {page.locator('h1').count()} h1 elements")
    if javascript:
        problems.extend(f"{where}: {violation}" for violation in axe_violations(page))
    if not fits_320_pixels(page):
        problems.append(f"{where}: scrolls sideways at 320 px")
    page.set_viewport_size({"width": 1024, "height": 768})


def test_every_staff_and_offer_page_passes_the_checks(
    site, browser, staff, sam, others, requests_in_every_state
):
    records = requests_in_every_state
    staff_pages = [
        reverse("directory:list"),
        reverse("directory:list") + "?q=shah&council=E08000035&available=online&sort=active",
        reverse("directory:list") + "?council=not-a-council",
        reverse("directory:leader", args=[sam.pk]),
        reverse("directory:leader", args=[others[0].pk]),
        reverse("authorities:detail", args=["E08000035"]),
        reverse("requests:list"),
        reverse("requests:list") + "?status=completed",
        reverse("requests:create"),
        reverse("requests:create") + f"?leader={sam.pk}",
        reverse("requests:detail", args=[records["open"].pk]),
        reverse("requests:detail", args=[records["accepted"].pk]),
        reverse("requests:cancel", args=[records["open"].pk]),
        reverse("requests:complete", args=[records["accepted"].pk]),
        reverse("requests:complete", args=[records["open"].pk]),  # not possible yet
        reverse("requests:feedback", args=[records["done"].request_id]),
    ]
    leader_pages = [
        reverse("me"),
        reverse("leaders:offers"),
        reverse("leaders:offer", args=[records["match"].pk]),
        reverse("leaders:offer_activity", args=[records["done"].pk]),
    ]
    problems = []
    for javascript in (True, False):
        for person, pages in ((staff, staff_pages), (sam.user, leader_pages)):
            context = browser.new_context(java_script_enabled=javascript)
            sign_in_browser(context, person, site)
            page = context.new_page()
            for path in pages:
                page.set_viewport_size({"width": 1024, "height": 768})
                response = page.goto(site + path)
                where = f"{path} ({'with' if javascript else 'without'} JavaScript)"
                if response.status != 200:
                    problems.append(f"{where}: status {response.status}")
                    continue
                check(page, where, problems, javascript)
            # A request sent with mistakes, to check the page in error.
            if person == staff:
                page.goto(site + reverse("requests:create"))
                page.get_by_role("button", name="Send request").click()
                expect(page.locator(".govuk-error-summary")).to_be_visible()
                check(page, f"request form in error ({javascript=})", problems, javascript)
            context.close()

    assert problems == [], "\n".join(problems)

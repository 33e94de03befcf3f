"""The whole journey in real browsers: from signing up to an active Citizen
Leader whose activity a coordinator has verified."""

import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from citizenleaders.roles import Role
from leaders.models import Activity, Leader, Module
from tests.browser.conftest import sign_in_browser
from tests.conftest import make_person

EMAIL = "new.leader@example.org"
PASSWORD = "a-long-new-password-77"


def save(page):
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your application")


def log_in(page, site):
    page.goto(site + "/accounts/login/?next=/apply/your-application/")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_from_sign_up_to_an_active_leader_with_a_verified_activity(site, browser):
    applicant_context = browser.new_context()
    page = applicant_context.new_page()

    # Sign up from the application's start page, and come straight back.
    page.goto(site + "/apply/")
    page.get_by_role("button", name="Start now").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next="))
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your email to confirm your address"
    )
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    page.goto(site + link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your application")

    # The first few sections, then a break.
    page.get_by_role("link", name="About you", exact=True).click()
    page.get_by_label("Full name").fill("Jo Journey")
    save(page)
    page.get_by_role("link", name="Your connection to adult social care").click()
    page.get_by_label("I am a disabled person").check()
    page.get_by_label("Tell us about your experience of self-directed support").fill(
        "I have had a personal budget for five years."
    )
    save(page)
    page.get_by_role("button", name="Log out").click()

    # Days later: log back in and carry on where they left off.
    log_in(page, site)
    expect(page.get_by_text("You have completed 2 of 7 sections")).to_be_visible()
    page.get_by_role("link", name="Where you live").click()
    council = page.locator("input").and_(
        page.get_by_role("combobox", name="Which council area do you live in?")
    )  # the autocomplete that takes over the select when JavaScript runs
    council.fill("Leeds")
    page.get_by_role("option", name="Leeds", exact=True).click()
    save(page)
    page.get_by_role("link", name="What you would like to do").click()
    page.get_by_label("Sharing my story").check()
    save(page)
    page.get_by_role("link", name="When and how you can take part").click()
    page.get_by_label("Tuesday").check()
    page.get_by_label("Daytime").check()
    page.get_by_label("Online").check()
    page.get_by_label("Within my region").check()
    save(page)
    page.get_by_role("link", name="Support to take part").click()
    page.get_by_label("Email").check()
    save(page)
    page.get_by_role("link", name="How we use your information").click()
    page.get_by_label(re.compile("^I agree to Citizen Leaders using my information")).check()
    save(page)
    page.get_by_role("link", name="Check your answers and send your application").click()
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Application sent")
    reference = re.search(r"CL-\d{6}", page.locator(".govuk-panel__body").inner_text()).group(0)

    # A coordinator reviews and accepts it in the back office.
    coordinator = browser.new_context()
    sign_in_browser(coordinator, make_person(Role.NATIONAL_COORDINATOR), site)
    admin = coordinator.new_page()
    admin.goto(site + "/admin/leaders/application/")
    admin.get_by_role("link", name=reference).click()
    admin.get_by_role("link", name="Move to under review").click()
    admin.get_by_role("button", name="Move to under review").click()
    admin.get_by_role("link", name="Accept", exact=True).click()
    admin.get_by_role("button", name="Accept").click()
    leader = Leader.objects.get(user__email=EMAIL)
    assert leader.status == Leader.Status.IN_TRAINING
    assert leader.local_authority.name == "Leeds"

    # Training: the coordinator marks each required module's session complete.
    for module in Module.objects.filter(is_required=True):
        admin.goto(site + f"/admin/leaders/trainingrecord/?module__id__exact={module.pk}")
        admin.get_by_role("checkbox", name=re.compile("Select this object")).first.check()
        admin.get_by_label("Action:").select_option(
            label="Mark as completed (a session’s attendees)"
        )
        admin.get_by_role("button", name="Go").click()
        admin.get_by_label("Trainer").fill("Pat Trainer")
        admin.get_by_role("button", name="Mark as completed").click()
    leader.refresh_from_db()
    assert leader.status == Leader.Status.ACTIVE
    assert any(
        "active" in message.subject.lower() for message in mail.outbox if EMAIL in message.to
    )

    # The leader logs what they did.
    page.goto(site + "/me/activities/add/")
    page.get_by_label("Shared my story").check()
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("How many hours did it take?").fill("2")
    page.get_by_label("Describe what you did").fill("Told my story to a social work team.")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(re.compile("^Error"))
    activity = Activity.objects.get(leader=leader)
    assert activity.status == Activity.Status.PENDING

    # The coordinator verifies it.
    admin.goto(site + f"/admin/leaders/activity/{activity.pk}/change/")
    admin.get_by_role("link", name="Verify").click()
    admin.get_by_role("button", name="Verify").click()
    activity.refresh_from_db()
    assert activity.status == Activity.Status.VERIFIED
    page.goto(site + "/me/activities/")
    expect(page.get_by_text("Verified").first).to_be_visible()

    applicant_context.close()
    coordinator.close()

"""Account journeys in a real browser, as a person would do them."""

import re

from django.core import mail
from playwright.sync_api import expect

from citizenleaders.roles import Role
from tests.browser.conftest import tab_to
from tests.citizenleaders.factories import PASSWORD
from tests.conftest import make_person, totp_code

NEW_PASSWORD = "a-brand-new-password-31"


def emailed_link():
    return re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)


def test_sign_up_with_the_keyboard_alone(site, page):
    page.goto(site + "/")
    tab_to(page, page.get_by_role("link", name="Create an account").first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")

    tab_to(page, page.get_by_label("Email address"))
    page.keyboard.type("keyboard.person@example.org")
    tab_to(page, page.get_by_label("Create a password"))
    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, page.get_by_label("Confirm your password"))
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your email to confirm your address"
    )
    assert mail.outbox[-1].to == ["keyboard.person@example.org"]

    page.goto(site + emailed_link())
    tab_to(page, page.get_by_role("button", name="Confirm"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    if page.get_by_role("heading", level=1).inner_text() == "Log in":
        tab_to(page, page.get_by_label("Email address"))
        page.keyboard.type("keyboard.person@example.org")
        tab_to(page, page.get_by_label("Password", exact=True))
        page.keyboard.type(NEW_PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Your account"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("keyboard.person@example.org")).to_be_visible()


def test_a_mistake_on_sign_up_is_explained_at_the_top(site, page):
    page.goto(site + "/accounts/signup/")
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Create account").click()

    # Waits for the page that comes back, rather than reading the title mid-way.
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link").first).to_be_visible()


def test_log_in_and_out_without_javascript(site, browser, db):
    member = make_person(Role.MEMBER)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(site + "/accounts/login/")
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_text(member.email)).to_be_visible()

    page.get_by_role("button", name="Log out").first.click()
    if page.get_by_role("heading", level=1).inner_text() == "Log out":
        page.get_by_role("button", name="Log out").last.click()
    page.goto(site + "/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    context.close()


def test_a_coordinator_logs_in_with_a_code_and_reaches_the_back_office(site, page):
    coordinator = make_person(Role.NATIONAL_COORDINATOR)

    page.goto(site + "/admin/")
    page.get_by_label("Email address").fill(coordinator.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(totp_code())
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_text("Citizen Leaders back office").first).to_be_visible()


def test_reset_a_forgotten_password(site, page):
    member = make_person(Role.MEMBER)

    page.goto(site + "/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email address").fill(member.email)
    page.get_by_role("button", name=re.compile("reset", re.I)).click()
    page.goto(site + emailed_link())
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm your new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)

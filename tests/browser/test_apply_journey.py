"""Applying in a real browser: the whole application with the keyboard alone,
and the council question without JavaScript."""

import re

from django.core import mail
from playwright.sync_api import expect

from citizenleaders.roles import Role
from leaders.models import Application
from tests.browser.conftest import axe_violations, fits_320_pixels, sign_in_browser, tab_to
from tests.conftest import make_person


def press_and_wait(page, key="Enter"):
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page, label, text):
    tab_to(page, page.get_by_label(label, exact=True))
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def tick(page, label):
    box = page.get_by_label(label, exact=True)
    tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def save_and_continue(page):
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your application")


def open_section(page, name):
    tab_to(page, page.get_by_role("link", name=name, exact=True))
    press_and_wait(page)


class PageChecks:
    """axe-core (which needs JavaScript) and 320 px checks on the pages a
    journey passes through."""

    def __init__(self, page, *, javascript=True):
        self.page = page
        self.javascript = javascript
        self.problems = []

    def check(self):
        page = self.page
        where = page.url
        if self.javascript:
            self.problems += [f"{where}: {problem}" for problem in axe_violations(page)]
        if not fits_320_pixels(page):
            self.problems.append(f"{where}: scrolls sideways at 320px")
        page.set_viewport_size({"width": 1024, "height": 768})


def test_apply_with_the_keyboard_alone(site, page):
    person = make_person(Role.MEMBER)
    sign_in_browser(page.context, person, site)
    console_errors = []
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )
    checks = PageChecks(page)

    page.goto(site + "/apply/")
    checks.check()
    tab_to(page, page.get_by_role("button", name="Start now"))
    press_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your application")
    checks.check()

    open_section(page, "About you")
    checks.check()
    type_into(page, "Full name", "Sam Keyboard")
    type_into(page, "What should we call you? (optional)", "Sam")
    type_into(page, "Phone number (optional)", "07700 900 982")
    save_and_continue(page)
    expect(page.get_by_text("You have completed 1 of 7 sections")).to_be_visible()

    open_section(page, "Your connection to adult social care")
    tick(page, "I am a carer")
    type_into(
        page,
        "Tell us about your experience of self-directed support",
        "I manage a direct payment for my mum.",
    )
    save_and_continue(page)

    open_section(page, "Where you live")
    council = page.get_by_role("combobox", name="Which council area do you live in?")
    expect(council).to_be_visible()  # the autocomplete has taken over the select
    checks.check()
    tab_to(page, council)
    page.keyboard.type("Leed")
    expect(page.get_by_role("option", name="Leeds", exact=True)).to_be_visible()
    page.keyboard.press("Enter")
    expect(council).to_have_value("Leeds")
    save_and_continue(page)

    open_section(page, "What you would like to do")
    tick(page, "Training council staff")
    tick(page, "Peer support")
    tick(page, "Public speaking")
    save_and_continue(page)

    open_section(page, "When and how you can take part")
    tick(page, "Tuesday")
    tick(page, "Thursday")
    tick(page, "Evenings")
    tick(page, "In person")
    # Radios: Tab reaches the group, arrow keys choose within it.
    tab_to(page, page.get_by_label("I cannot travel"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Within my region")).to_be_checked()
    save_and_continue(page)

    open_section(page, "Support to take part")
    type_into(page, "What support would help you take part? (optional)", "Step-free access.")
    tick(page, "Easy Read")
    tick(page, "Email")
    save_and_continue(page)

    open_section(page, "How we use your information")
    checks.check()
    tick(page, "I agree to Citizen Leaders using my information as described on this page")
    save_and_continue(page)
    expect(page.get_by_text("You have completed 7 of 7 sections")).to_be_visible()

    open_section(page, "Check your answers and send your application")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your application"
    )
    checks.check()
    for answer in ("Sam Keyboard", "Leeds", "Peer support", "Thursday", "Within my region"):
        expect(page.get_by_text(answer, exact=True).first).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Send application"))
    press_and_wait(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Application sent")
    expect(page.locator(".govuk-panel__body")).to_contain_text(re.compile(r"CL-\d{6}"))
    checks.check()
    application = Application.objects.get(user=person)
    assert application.status == Application.Status.SUBMITTED
    assert application.local_authority.name == "Leeds"
    assert application.travel == "region"
    assert [message.to for message in mail.outbox] == [[person.email]]
    assert checks.problems == []
    assert console_errors == []


def test_choose_a_council_without_javascript(site, browser):
    person = make_person(Role.MEMBER)
    context = browser.new_context(java_script_enabled=False)
    sign_in_browser(context, person, site)
    page = context.new_page()
    checks = PageChecks(page, javascript=False)

    page.goto(site + "/apply/where-you-live/")
    council = page.get_by_label("Which council area do you live in?")
    expect(council).to_have_js_property("tagName", "SELECT")
    checks.check()

    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    assert page.title().startswith("Error: ")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Select your council area")
    checks.check()

    council.select_option(label="Leeds")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your application")
    assert Application.objects.get(user=person).local_authority.name == "Leeds"
    assert checks.problems == []
    context.close()


def test_a_mistake_on_the_council_question_is_explained_with_javascript(site, page):
    person = make_person(Role.MEMBER)
    sign_in_browser(page.context, person, site)
    checks = PageChecks(page)

    page.goto(site + "/apply/where-you-live/")
    council = page.get_by_role("combobox", name="Which council area do you live in?")
    council.fill("Atlantis")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()

    assert page.title().startswith("Error: ")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Select your council area")
    # The summary's link takes the person to the autocomplete.
    summary.get_by_role("link", name="Select your council area").click()
    expect(page.get_by_role("combobox", name="Which council area do you live in?")).to_be_focused()
    describedby = council.get_attribute("aria-describedby")
    assert "id_local_authority-hint" in describedby
    assert "id_local_authority-error" in describedby
    checks.check()
    assert checks.problems == []

"""Every public and account page, as every role: no axe-core violations
(WCAG 2.2 A and AA), a title of its own, one h1, no horizontal scrolling at
320 px wide, and it still works with JavaScript turned off."""

import pytest
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from citizenleaders.roles import Role
from citizenleaders.views import ABOUT_PAGES
from tests.browser.conftest import axe_violations, fits_320_pixels, sign_in_browser
from tests.conftest import make_person

PUBLIC_PAGES = [
    reverse("home"),
    reverse("about:index"),
    *[reverse(f"about:{slug}") for slug, _ in ABOUT_PAGES],
    reverse("accessibility"),
    reverse("privacy"),
    reverse("cookies"),
    reverse("data"),
    "/a-page-that-does-not-exist/",
]
ANONYMOUS_ACCOUNT_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/not-a-real-key/",
    "/accounts/password/reset/key/1-not-a-real-key/",
    "/accounts/inactive/",
]
SIGNED_IN_ACCOUNT_PAGES = [
    "/me/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
]


def navigation_reachable(page, javascript):
    """On a narrow screen the navigation sits behind a Menu button when
    JavaScript runs, and is simply shown when it does not."""
    about = page.locator("#navigation").get_by_role("link", name="About", exact=True)
    if javascript:
        menu = page.get_by_role("button", name="Menu")
        try:
            menu.wait_for(state="visible", timeout=2000)
        except PlaywrightTimeout:
            return False
        menu.click()
    try:
        about.wait_for(state="visible", timeout=2000)
    except PlaywrightTimeout:
        return False
    return True


def pages_for(role):
    if role == Role.ANONYMOUS:
        return PUBLIC_PAGES + ANONYMOUS_ACCOUNT_PAGES
    return PUBLIC_PAGES + SIGNED_IN_ACCOUNT_PAGES


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_page_passes_the_checks_for(role, site, browser):
    person = make_person(role)
    problems = []
    titles = {}
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        if person:
            sign_in_browser(context, person, site)
        page = context.new_page()
        for path in pages_for(role):
            page.set_viewport_size({"width": 1024, "height": 768})
            response = page.goto(site + path)
            where = f"{path} ({'with' if javascript else 'without'} JavaScript)"
            if response.status >= 500:
                problems.append(f"{where}: server error {response.status}")
                continue
            if page.locator("h1").count() != 1:
                problems.append(f"{where}: {page.locator('h1').count()} h1 elements")
            if not page.locator("h1").first.is_visible():
                problems.append(f"{where}: the h1 is not visible")
            if javascript:
                titles.setdefault(page.title(), []).append(path)
                problems += [f"{where}: {violation}" for violation in axe_violations(page)]
            if not fits_320_pixels(page):
                problems.append(f"{where}: scrolls sideways at 320 px")
            if not navigation_reachable(page, javascript):
                problems.append(f"{where}: the navigation cannot be reached at 320 px")
        context.close()

    shared = {title: paths for title, paths in titles.items() if len(paths) > 1}
    assert problems == [], "\n".join(problems)
    assert shared == {}, f"Pages share a title: {shared}"

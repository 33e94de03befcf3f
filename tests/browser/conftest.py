"""The real-browser harness: Playwright driving Debian's Chromium against
pytest-django's live server, with an axe-core check anyone can reuse."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW = {"width": 320, "height": 640}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def places(transactional_db):
    """The reference data the migrations load (places, ULO services and
    criteria, leaders' choices and the curriculum).
    Live-server tests empty the database after each test, so each journey
    loads them again."""
    from leaders.models import Interest, Module, Skill
    from leaders.reference_data import load_choices_and_curriculum
    from ulos.models import Criterion, LocalAuthority, Region, Service
    from ulos.places import load_places
    from ulos.reference_data import load_services_and_criteria

    load_places(Region, LocalAuthority)
    load_services_and_criteria(Service, Criterion)
    load_choices_and_curriculum(Interest, Skill, Module)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = "Chromium is not installed: run `make browser` (Debian's chromium package)."
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture
def site(live_server):
    return live_server.url


def axe_violations(page):
    """axe-core's WCAG 2.2 A and AA violations on the page, as readable lines."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} on page: "
        f"{violation['nodes'][0]['target']})"
        for violation in results.response["violations"]
    ]


def fits_320_pixels(page):
    """True when the page has no horizontal scrolling at 320 px wide."""
    page.set_viewport_size(NARROW)
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def tab_to(page, target, *, limit=80):
    """Move focus with the Tab key alone until ``target`` has it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Could not reach {target} with the Tab key")


def sign_in_browser(context, user, site_url):
    """Give the browser a signed-in session for ``user``.

    Logging in through the form is tested in its own journeys; here the
    session is made directly so every page can be checked for every role.
    """
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site_url}])

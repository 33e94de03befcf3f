"""Every public and account page, as every role: no axe-core violations
(WCAG 2.2 A and AA), a title of its own, one h1, no horizontal scrolling at
320 px wide, and it still works with JavaScript turned off."""

import pytest
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from citizenleaders.roles import Role
from citizenleaders.views import ABOUT_PAGES
from leaders.application_sections import SECTIONS_BY_SLUG as SECTION_SLUGS
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
    # User-led organisations and councils (records from ``ulo_records``)
    reverse("ulos:list"),
    reverse("ulos:list") + "?region=E12000003&cil=true&q=leeds",
    reverse("ulos:list") + "?region=not-a-region",
    reverse("ulos:detail", args=["browser-check-leeds-cil"]),
    reverse("ulos:coverage"),
    reverse("ulos:coverage") + "?region=E12000003&sort=stage&order=desc",
    reverse("ulos:programmes"),
    reverse("ulos:programme", args=["browser-check-fund"]),
    reverse("authorities:list"),
    reverse("authorities:detail", args=["E08000035"]),
    reverse("authorities:detail", args=["E08000032"]),
    # Applying and stories
    reverse("apply:start"),
    reverse("stories:list"),
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
    reverse("staff_invitation", args=["not-a-real-token"]),
]
SIGNED_IN_ACCOUNT_PAGES = [
    "/me/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/me/data/",
    "/me/close/",
]
# Filling in an application, for someone who has not sent one.
APPLICATION_PAGES = [
    "/apply/your-application/",
    *[f"/apply/{slug}/" for slug in SECTION_SLUGS],
]


@pytest.fixture(autouse=True)
def ulo_records():
    """A published ULO in Leeds that meets the criteria, with an award, and a
    council without one that has a strategy, so their pages have content."""
    from tests.leaders.factories import council
    from tests.ulos.factories import AwardFactory, UloFactory, meet_all_criteria
    from ulos.models import LocalAuthority, Service, Stage, UloStrategy

    ulo = UloFactory(
        name="Leeds Centre for Independent Living",
        slug="browser-check-leeds-cil",
        stage=Stage.NETWORKED,
        is_centre_for_independent_living=True,
        committee_user_share=90,
        website="https://leeds-cil.example.org/a-very-long-address-that-must-wrap-at-320-pixels",
        email="a.very.long.email.address.for.the.centre@leeds-cil.example.org",
        councils=[council("E08000035"), council("E08000036")],
    )
    ulo.services.set(Service.objects.all())
    meet_all_criteria(ulo)
    AwardFactory(programme__slug="browser-check-fund", ulo=ulo)
    LocalAuthority.objects.filter(gss_code="E08000035").update(
        care_lead_name="Pat Lead", care_lead_email="pat.lead@leeds.example.org"
    )
    LocalAuthority.objects.filter(gss_code="E08000032").update(
        ulo_strategy=UloStrategy.IN_DEVELOPMENT, ulo_strategy_notes="Talking to local groups."
    )


def navigation_reachable(page, javascript):
    """On a narrow screen the navigation is shown as it is, with JavaScript
    and without: there is no Menu button to collapse it behind, since
    collapsing it after the first paint moved the whole page
    (WEB-PERFORMANCE.md)."""
    about = page.locator("#navigation").get_by_role("link", name="About", exact=True)
    if page.get_by_role("button", name="Menu").count():
        return False
    try:
        about.wait_for(state="visible", timeout=2000)
    except PlaywrightTimeout:
        return False
    return True


def pages_for(role):
    if role == Role.ANONYMOUS:
        return PUBLIC_PAGES + ANONYMOUS_ACCOUNT_PAGES
    if role == Role.MEMBER:
        return PUBLIC_PAGES + SIGNED_IN_ACCOUNT_PAGES + APPLICATION_PAGES
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
                # The same page with other filters may share its title.
                titles.setdefault(page.title(), set()).add(path.partition("?")[0])
                problems += [f"{where}: {violation}" for violation in axe_violations(page)]
            if not fits_320_pixels(page):
                problems.append(f"{where}: scrolls sideways at 320 px")
            if not navigation_reachable(page, javascript):
                problems.append(f"{where}: the navigation cannot be reached at 320 px")
        context.close()

    shared = {title: paths for title, paths in titles.items() if len(paths) > 1}
    assert problems == [], "\n".join(problems)
    assert shared == {}, f"Pages share a title: {shared}"

"""The reports page in a real browser, for national and regional
coordinators: axe-core finds nothing, one h1, no sideways scrolling at 320 px
(charts shrink, wide tables scroll in their own box), with and without
JavaScript; the period form in error too; and the CSV download works."""

import csv
import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from citizenleaders.roles import Role
from tests.browser.conftest import axe_violations, fits_320_pixels, sign_in_browser
from tests.citizenleaders.test_reports import programme  # noqa: F401 - a fixture
from tests.conftest import make_person

PAGES = [
    reverse("reports:index"),
    reverse("reports:index") + "?start=2025-04-01&end=2026-03-31&by=quarter",
    reverse("reports:index") + "?start=2025-04-01&end=2026-03-31&region=E12000003",
]


def check(page, where, problems, javascript):
    if page.locator("h1").count() != 1:
        problems.append(f"{where}: {page.locator('h1').count()} h1 elements")
    if javascript:
        problems.extend(f"{where}: {violation}" for violation in axe_violations(page))
    if not fits_320_pixels(page):
        problems.append(f"{where}: scrolls sideways at 320 px")
    page.set_viewport_size({"width": 1024, "height": 768})


@pytest.mark.parametrize("role", [Role.NATIONAL_COORDINATOR, Role.REGIONAL_COORDINATOR], ids=str)
def test_the_reports_pages_pass_the_checks_for(role, site, browser, programme):  # noqa: F811
    person = make_person(role)
    problems = []
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        sign_in_browser(context, person, site)
        page = context.new_page()
        for path in PAGES:
            page.set_viewport_size({"width": 1024, "height": 768})
            response = page.goto(site + path)
            where = f"{path} ({'with' if javascript else 'without'} JavaScript)"
            if response.status != 200:
                problems.append(f"{where}: answered {response.status}")
                continue
            expect(
                page.get_by_role("img", name=re.compile("^From applying to active"))
            ).to_be_visible()
            check(page, where, problems, javascript)

        # The period chosen with the form, then one in error.
        page.goto(site + reverse("reports:index"))
        page.get_by_label("Start date").fill("2025-04-01")
        page.get_by_label("End date").fill("2026-03-31")
        page.get_by_role("button", name="Show figures").click()
        expect(page.get_by_text("from 1 April 2025 to 31 March 2026").first).to_be_visible()
        page.get_by_label("Start date").fill("2026-04-01")
        page.get_by_role("button", name="Show figures").click()
        expect(page).to_have_title(re.compile("^Error: Reports"))
        page.get_by_role("link", name=re.compile("The end date must be")).click()
        expect(page.get_by_label("End date")).to_be_focused()
        check(page, f"the form in error ({javascript=})", problems, javascript)
        context.close()
    assert problems == [], "\n".join(problems)


def test_a_table_downloads_as_csv(site, browser, programme):  # noqa: F811
    context = browser.new_context(accept_downloads=True)
    sign_in_browser(context, make_person(Role.NATIONAL_COORDINATOR), site)
    page = context.new_page()
    page.goto(site + PAGES[1])
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("CSV.*Verified activities by quarter")).click()
    with open(download.value.path(), encoding="utf-8") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert rows == [
        ["Quarter", "Activities", "Hours"],
        ["Apr–Jun 2025", "1", "2"],
        ["Jul–Sep 2025", "2", "7.5"],
        ["Oct–Dec 2025", "1", "1.25"],
        ["Jan–Mar 2026", "0", "0"],
    ]

"""Finding a user-led organisation and seeing where England has one, in a
real browser: without JavaScript, and with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import tab_to
from tests.leaders.factories import council
from tests.ulos.factories import UloFactory
from ulos.models import Stage


@pytest.fixture(autouse=True)
def ulos():
    UloFactory(
        name="Leeds Centre for Independent Living",
        stage=Stage.NETWORKED,
        is_centre_for_independent_living=True,
        councils=[council("E08000035")],
    )
    UloFactory(name="Bradford Peer Network", councils=[council("E08000032")])
    UloFactory(name="Camden Independent Living", councils=[council("E09000007")])


def test_find_a_centre_for_independent_living_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/ulos/")
    expect(page.get_by_role("heading", name="3 organisations")).to_be_visible()

    page.get_by_label("Region").select_option(label="Yorkshire and The Humber")
    page.get_by_label("Only centres for independent living").check()
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"region=E12000003.*cil=true"))
    expect(page.get_by_role("heading", name="1 organisation match your filters")).to_be_visible()
    expect(page.get_by_label("Region")).to_have_value("E12000003")
    page.get_by_role("link", name="Leeds Centre for Independent Living").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leeds Centre for Independent Living")
    context.close()


def test_a_bad_filter_value_is_explained(site, page):
    page.goto(site + "/ulos/?council=E99999999")

    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose a council area from the list")
    summary.get_by_role("link", name="Choose a council area from the list").click()
    expect(page.get_by_label("Council area")).to_be_focused()


def test_reach_a_council_from_the_map_with_the_keyboard(site, page):
    page.goto(site + "/ulos/coverage/")

    leeds = page.get_by_role("link", name=re.compile(r"^Leeds: established and networked ULO"))
    tab_to(page, leeds, limit=250)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Leeds")
    expect(page.get_by_role("link", name="Leeds Centre for Independent Living")).to_be_visible()


def test_sort_the_coverage_table_by_following_its_headings(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/ulos/coverage/")

    page.get_by_label("Show one region").select_option(label="Yorkshire and The Humber")
    page.get_by_role("button", name="Show").click()
    table = page.get_by_role("table", name=re.compile("Yorkshire and The Humber: 15 council areas"))
    table.get_by_role("link", name="Most developed ULO").click()
    table.get_by_role("link", name=re.compile("Most developed ULO")).click()

    expect(page).to_have_url(re.compile(r"sort=stage&order=desc"))
    first_row = table.get_by_role("row").nth(1)
    expect(first_row).to_contain_text("Leeds")
    expect(first_row).to_contain_text("Established and networked ULO")
    expect(
        table.get_by_role("columnheader", name=re.compile("Most developed ULO"))
    ).to_have_attribute("aria-sort", "descending")
    context.close()

"""The public pages: everyone can read them, each has its own title and one h1."""

import re

import pytest
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from citizenleaders.views import ABOUT_PAGES

PUBLIC_URL_NAMES = [
    "home",
    "about:index",
    *[f"about:{slug}" for slug, _ in ABOUT_PAGES],
    "accessibility",
    "privacy",
    "cookies",
    "data",
]


def title_of(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_URL_NAMES)
def test_public_page_reads_for_anyone(client, name):
    response = client.get(reverse(name))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Citizen Leaders" in title_of(html)
    assert '<html lang="en-GB"' in html
    assert 'href="#main-content"' in html


@pytest.mark.django_db
def test_every_public_page_has_its_own_title(client):
    titles = [title_of(client.get(reverse(name)).content.decode()) for name in PUBLIC_URL_NAMES]

    assert len(set(titles)) == len(titles)


@pytest.mark.django_db
def test_ulo_page_gives_the_funding_facts(client):
    html = client.get(reverse("about:user-led-organisations")).content.decode()

    for fact in ["£750,000", "£900,000", "25", "action and learning sites", "protocol"]:
        assert fact in html


@pytest.mark.django_db
def test_data_page_carries_the_attributions(client):
    html = re.sub(r"<[^>]+>", "", client.get(reverse("data")).content.decode())

    assert "Office for National Statistics licensed under the Open Government Licence v.3.0" in html
    assert "Open Innovations" in html


@pytest.mark.django_db
def test_unknown_address_gets_the_sites_own_not_found_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_server_error_page_renders_in_the_sites_style(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_out_of_reach_gets_try_again_in_a_minute(rf, error):
    from citizenleaders.views import server_error

    try:
        raise error("connection refused")
    except error:
        response = server_error(rf.get("/"))

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Sorry, the service is unavailable" in page
    assert "Try again in a minute." in page


def test_any_other_failure_gets_the_server_error_page(rf):
    from citizenleaders.views import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_the_site_answers_a_failing_request_with_that_page():
    from django.urls import get_resolver

    from citizenleaders.views import server_error

    assert get_resolver().resolve_error_handler(500) is server_error

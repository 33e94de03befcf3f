"""The information pages come from the cache for anonymous visitors only
(citizenleaders.page_cache)."""

import gzip

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citizenleaders.page_cache import pages_version
from citizenleaders.roles import Role
from tests.conftest import make_person

INFORMATION_PAGES = [
    "/",
    "/about/",
    "/about/what-is-a-citizen-leader/",
    "/accessibility/",
    "/privacy/",
    "/cookies/",
    "/data/",
]
SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", INFORMATION_PAGES)
def test_a_second_anonymous_visit_is_served_from_the_cache(client, path):
    first = client.get(path, secure=True)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(path, secure=True)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert b"Log in" in second.content
    assert len(queries) == 0
    assert second["ETag"] == first["ETag"]


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000)
def test_a_cached_page_carries_the_same_security_headers_as_a_fresh_one(client):
    fresh = client.get("/about/", secure=True)
    cached = client.get("/about/", secure=True)

    for header in SECURITY_HEADERS:
        assert cached[header] == fresh[header], header
    assert "unsafe-inline" not in cached["Content-Security-Policy"]
    assert cached["X-Frame-Options"] == "DENY"
    assert "Cookie" in cached["Vary"] and "Accept-Encoding" in cached["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEMBER, Role.NATIONAL_COORDINATOR])
def test_a_signed_in_person_never_gets_the_cached_anonymous_page(client, role):
    anonymous = client.get("/", secure=True)
    assert b"Log in" in anonymous.content
    client.force_login(make_person(role))

    with CaptureQueriesContext(connection) as queries:
        signed_in = client.get("/", secure=True)

    assert b"Log out" in signed_in.content
    assert b"Log in" not in signed_in.content
    assert b"csrfmiddlewaretoken" in signed_in.content
    assert len(queries) > 0
    # Nor is their page stored for the next anonymous visitor.
    client.logout()
    client.cookies.clear()
    assert b"Log out" not in client.get("/", secure=True).content


@pytest.mark.django_db
def test_a_waiting_message_is_shown_rather_than_the_cached_page(client, rf):
    client.get("/", secure=True)
    storage = CookieStorage(rf.get("/"))
    storage.add(messages.SUCCESS, "You have signed out.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value

    page = client.get("/", secure=True)

    assert b"You have signed out." in page.content


@pytest.mark.django_db
def test_pages_with_forms_or_data_are_not_cached(client):
    client.get(reverse("account_login"), secure=True)
    with CaptureQueriesContext(connection) as queries:
        login = client.get(reverse("account_login"), secure=True)
        client.get(reverse("events:list"), secure=True)
        client.get(reverse("events:list"), secure=True)

    assert b"csrfmiddlewaretoken" in login.content
    assert "ETag" not in login
    assert len(queries) > 0


@pytest.mark.django_db
def test_a_query_string_skips_the_cache(client):
    client.get("/", secure=True)
    response = client.get("/?utm_source=newsletter", secure=True)
    assert response.status_code == 200
    assert "ETag" not in response


@pytest.mark.django_db
def test_the_page_is_compressed_for_browsers_that_accept_gzip(client):
    plain = client.get("/", secure=True)
    compressed = client.get("/", secure=True, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content)
    assert "Content-Encoding" not in plain


@pytest.mark.django_db
def test_a_browser_with_the_page_gets_not_modified(client):
    etag = client.get("/privacy/", secure=True)["ETag"]

    response = client.get("/privacy/", secure=True, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""


def test_a_change_to_a_template_or_the_release_changes_the_version(tmp_path, monkeypatch):
    page = tmp_path / "templates" / "page.html"
    page.parent.mkdir()
    page.write_text("one")
    first = pages_version(tmp_path)
    page.write_text("two")
    second = pages_version(tmp_path)
    monkeypatch.setenv("RELEASE", "2026-12-07")

    assert len({first, second, pages_version(tmp_path)}) == 3


@pytest.mark.django_db
def test_the_cache_can_be_turned_off():
    with override_settings(PAGE_CACHE_SECONDS=0):
        client = Client()  # the middleware reads the setting when it starts
        client.get("/", secure=True)
        assert "ETag" not in client.get("/", secure=True)

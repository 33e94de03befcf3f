import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_pages_refuse_framing_and_sniffing(client):
    response = client.get("/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_plain_http_is_redirected_but_https_behind_the_proxy_is_served(client):
    assert client.get("/").status_code == 301

    response = client.get("/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert "max-age=31536000" in response["Strict-Transport-Security"]


@pytest.mark.django_db
def test_pages_contain_no_inline_script_or_style(client):
    html = client.get("/").content.decode()

    assert "<script>" not in html
    assert "<style" not in html
    assert " style=" not in html


PAGE_TYPES = {
    "a page": ("/", None, 200),
    "a form in error": ("/accounts/login/", {"login": "nobody@example.org", "password": "x"}, 200),
    "a redirect to log in": ("/me/", None, 302),
    "a page not found": ("/no-such-page/", None, 404),
    "a page refused": ("/reports/", "member", 403),
    "a CSV download": ("/ulos/coverage.csv", None, 200),
    "a calendar feed": ("/events/feed.ics", None, 200),
    "open data": ("/ulos/open-data/open-referral.json", None, 200),
    "the back office": ("/admin/", "coordinator", 200),
    "the health check": ("/healthz", None, 200),
    "a static file": ("/static/css/site.css", None, 200),
}


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000)
@pytest.mark.parametrize("what", PAGE_TYPES)
def test_every_kind_of_response_carries_the_security_headers(client, what):
    from citizenleaders.roles import Role
    from tests.conftest import make_person

    path, extra, status_code = PAGE_TYPES[what]
    if extra == "member":
        client.force_login(make_person(Role.MEMBER))
    elif extra == "coordinator":
        client.force_login(make_person(Role.NATIONAL_COORDINATOR))
    if isinstance(extra, dict):
        response = client.post(path, extra, secure=True)
    else:
        response = client.get(path, secure=True)
    assert response.status_code == status_code, what

    assert "max-age=31536000" in response["Strict-Transport-Security"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    if not path.startswith("/static/"):
        assert response["X-Frame-Options"] == "DENY"
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy

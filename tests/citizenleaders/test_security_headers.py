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

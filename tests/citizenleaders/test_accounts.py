"""Accounts: sign up, verify, log in and out, reset and change password and
email, with rate limits. Emails are read from Django's test outbox."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from citizenleaders.models import User
from tests.conftest import log_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-password-77"


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Send the emails a request records (in the outbox) once it commits."""

    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            return request()

    return run


def link_in(message):
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def test_sign_up_verify_and_log_in(client, commits):
    response = commits(
        lambda: client.post(
            "/accounts/signup/",
            {
                "email": "New.Person@Example.org",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert user.email == "new.person@example.org"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]

    confirm = link_in(mail.outbox[0])
    assert client.get(confirm).status_code == 200
    client.post(confirm)

    assert EmailAddress.objects.get(user=user).verified
    log_in(client, user, password=NEW_PASSWORD)
    assert client.get("/me/").status_code == 200


def test_sign_up_with_mismatched_passwords_explains_and_creates_nobody(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "someone@example.org", "password1": NEW_PASSWORD, "password2": "different-one"},
    )

    assert response.status_code == 200
    assert "Error: " in response.content.decode()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_an_unverified_person_cannot_log_in_until_they_verify(client):
    client.post(
        "/accounts/signup/",
        {"email": "someone@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    client.post("/accounts/logout/")

    response = client.post(
        "/accounts/login/", {"login": "someone@example.org", "password": NEW_PASSWORD}
    )

    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/me/").status_code == 302


def test_a_wrong_password_is_refused_with_an_error(client, member):
    response = client.post("/accounts/login/", {"login": member.email, "password": "wrong"})

    assert response.status_code == 200
    assert "Error: " in response.content.decode()
    assert client.get("/me/").status_code == 302


def test_log_out(client, member):
    log_in(client, member)

    client.post("/accounts/logout/")

    assert client.get("/me/").status_code == 302


def test_reset_a_forgotten_password(client, member, commits):
    commits(lambda: client.post("/accounts/password/reset/", {"email": member.email}))

    assert len(mail.outbox) == 1
    reset = link_in(mail.outbox[0])
    form = client.get(reset, follow=True)
    response = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else reset,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302

    client.logout()
    log_in(client, member, password=NEW_PASSWORD)


def test_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"


def test_change_password(client, member, password):
    log_in(client, member)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_change_email_needs_the_new_address_verified(client, member, commits):
    log_in(client, member)

    response = commits(
        lambda: client.post("/accounts/email/", {"action_add": "", "email": "moved@example.org"})
    )

    assert response.status_code == 302
    assert EmailAddress.objects.filter(email="moved@example.org", verified=False).exists()
    client.post(link_in(mail.outbox[-1]))
    assert EmailAddress.objects.get(email="moved@example.org").verified


def test_repeated_failed_logins_are_rate_limited(client, member, password):
    for _ in range(5):
        client.post("/accounts/login/", {"login": member.email, "password": "wrong"})

    # Even the right password is refused while the limit lasts.
    response = client.post("/accounts/login/", {"login": member.email, "password": password})

    assert response.status_code == 200
    assert "tried to log in too many times" in response.content.decode()
    assert client.get("/me/").status_code == 302


def test_too_many_requests_from_one_address_are_refused(client):
    statuses = {
        client.post("/accounts/password/reset/", {"email": "nobody@example.org"}).status_code
        for _ in range(25)
    }

    assert 429 in statuses

"""Staff must set up two-factor authentication before any staff page."""

import pytest
from allauth.mfa.models import Authenticator

from citizenleaders.roles import Role
from tests.conftest import log_in, make_person, totp_code

pytestmark = pytest.mark.django_db

SETUP = "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize(
    "role", [Role.COUNCIL_STAFF, Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR]
)
def test_staff_without_two_factor_are_sent_to_set_it_up(client, role):
    person = make_person(role)
    Authenticator.objects.filter(user=person).delete()
    client.force_login(person)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"


def test_staff_without_two_factor_may_still_read_public_pages(client):
    person = make_person(Role.NATIONAL_COORDINATOR)
    Authenticator.objects.filter(user=person).delete()
    client.force_login(person)

    assert client.get("/").status_code == 200
    assert client.get("/about/").status_code == 200


def test_staff_set_up_two_factor_then_reach_the_back_office(client, password):
    person = make_person(Role.REGIONAL_COORDINATOR)
    Authenticator.objects.filter(user=person).delete()
    log_in(client, person)
    assert client.get("/admin/")["Location"].startswith(SETUP)

    # Setting up two-factor first asks for the password again.
    response = client.get(SETUP)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(response["Location"], {"password": password})
    assert response["Location"] == SETUP
    page = client.get(SETUP)
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()  # shown as text for people who cannot scan
    response = client.post(SETUP, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200


def test_coordinator_with_two_factor_reaches_the_back_office(client, national_coordinator):
    client.force_login(national_coordinator)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Citizen Leaders back office" in response.content.decode()


def test_members_do_not_need_two_factor(client, member):
    client.force_login(member)

    assert client.get("/me/").status_code == 200


def test_your_account_page_warns_staff_without_two_factor(client):
    person = make_person(Role.COUNCIL_STAFF)
    Authenticator.objects.filter(user=person).delete()
    client.force_login(person)

    html = client.get("/me/").content.decode()

    assert "Staff accounts must use two-factor authentication" in html


def test_staff_with_two_factor_must_give_a_code_to_log_in(client, national_coordinator, password):
    response = client.post(
        "/accounts/login/", {"login": national_coordinator.email, "password": password}
    )

    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302  # not logged in yet

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_the_admin_login_is_the_sites_login(client):
    response = client.get("/admin/login/?next=/admin/leaders/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fleaders%2F"


def test_after_logging_in_with_two_factor_staff_reach_the_back_office(client, national_coordinator):
    log_in(client, national_coordinator)

    assert client.get("/admin/").status_code == 200


def test_staff_cannot_turn_two_factor_off(client, council_staff):
    log_in(client, council_staff)

    client.post("/accounts/2fa/totp/deactivate/")

    assert Authenticator.objects.filter(user=council_staff, type="totp").exists()


def test_after_setting_up_two_factor_continue_goes_where_the_person_was_going(client, password):
    person = make_person(Role.NATIONAL_COORDINATOR)
    Authenticator.objects.filter(user=person).delete()
    log_in(client, person)
    client.get("/admin/leaders/")
    client.post("/accounts/reauthenticate/", {"password": password})
    client.get(SETUP)
    client.post(SETUP, {"code": totp_code(client.session["mfa.totp.secret"])})

    page = client.get("/accounts/2fa/recovery-codes/").content.decode()

    assert 'href="/admin/leaders/"' in page

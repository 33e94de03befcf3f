"""The back office: coordinators only, scoped by region, and nobody grants
themselves a staff role."""

import pytest
from django.urls import reverse

from citizenleaders.models import StaffRole
from citizenleaders.roles import Role
from tests.citizenleaders.factories import UserFactory
from tests.conftest import make_person
from tests.leaders.factories import ApplicationFactory, council

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/admin/leaders/application/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/leaders/application/"


@pytest.mark.parametrize("role", [Role.MEMBER, Role.APPLICANT, Role.LEADER, Role.COUNCIL_STAFF])
def test_people_who_are_not_coordinators_cannot_enter(client, role):
    client.force_login(make_person(role))

    response = client.get("/admin/")

    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


def test_regional_coordinator_sees_only_their_regions_applications(client, regional_coordinator):
    leeds = ApplicationFactory(local_authority=council("E08000035"))
    durham = ApplicationFactory(local_authority=council("E06000047"))
    client.force_login(regional_coordinator)

    listing = client.get("/admin/leaders/application/").content.decode()

    assert leeds.reference in listing
    assert durham.reference not in listing
    change_other = reverse("admin:leaders_application_change", args=[durham.pk])
    assert client.get(change_other).status_code == 404  # another region's: not found


def test_regional_coordinator_cannot_manage_accounts(client, regional_coordinator):
    client.force_login(regional_coordinator)

    assert client.get("/admin/citizenleaders/user/").status_code == 403
    assert client.get("/admin/account/emailaddress/").status_code == 403


def test_national_coordinator_grants_a_council_staff_role(client, national_coordinator, member):
    client.force_login(national_coordinator)

    response = client.post(
        "/admin/citizenleaders/staffrole/add/",
        {
            "user": member.pk,
            "kind": StaffRole.Kind.COUNCIL_STAFF,
            "local_authority": council().pk,
        },
    )

    assert response.status_code == 302
    role = StaffRole.objects.get(user=member)
    assert role.local_authority == council()
    assert role.granted_by == national_coordinator


def test_nobody_can_grant_themselves_a_staff_role(client):
    member = UserFactory(is_superuser=True, two_factor=True)  # even a superuser
    client.force_login(member)

    response = client.post(
        "/admin/citizenleaders/staffrole/add/",
        {"user": member.pk, "kind": StaffRole.Kind.NATIONAL_COORDINATOR},
    )

    assert response.status_code == 200
    assert "You cannot give yourself a staff role" in response.content.decode()
    assert not StaffRole.objects.filter(user=member).exists()


def test_a_coordinator_cannot_change_their_own_role(client, national_coordinator):
    client.force_login(national_coordinator)
    own = national_coordinator.staff_role

    response = client.post(
        reverse("admin:citizenleaders_staffrole_change", args=[own.pk]),
        {"user": national_coordinator.pk, "kind": StaffRole.Kind.COUNCIL_STAFF},
    )

    assert response.status_code == 403
    own.refresh_from_db()
    assert own.kind == StaffRole.Kind.NATIONAL_COORDINATOR


def test_a_role_removed_stops_working_on_the_next_request(client, national_coordinator):
    other = make_person(Role.REGIONAL_COORDINATOR)
    client.force_login(other)
    assert client.get("/admin/").status_code == 200

    other.staff_role.delete()

    assert client.get("/admin/").status_code == 403


def test_a_mismatched_role_is_explained_and_not_saved(client, national_coordinator, member):
    client.force_login(national_coordinator)

    response = client.post(
        "/admin/citizenleaders/staffrole/add/",
        {"user": member.pk, "kind": StaffRole.Kind.REGIONAL_COORDINATOR},
    )

    assert response.status_code == 200
    assert "Choose the region this coordinator looks after." in response.content.decode()
    assert not StaffRole.objects.filter(user=member).exists()

import pytest

from citizenleaders import roles
from citizenleaders.models import StaffRole
from citizenleaders.roles import Role
from leaders.models import Application
from tests.conftest import make_person
from tests.leaders.factories import ApplicationFactory, council
from ulos.models import Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_each_kind_of_person_holds_their_role(role):
    from django.contrib.auth.models import AnonymousUser

    person = make_person(role) or AnonymousUser()

    assert roles.primary_role(person) == role


def test_an_anonymous_visitor_holds_no_role_but_anonymous():
    from django.contrib.auth.models import AnonymousUser

    assert roles.roles_of(AnonymousUser()) == {Role.ANONYMOUS}
    assert roles.scope_of(AnonymousUser()).is_empty


def test_a_deactivated_account_holds_no_role():
    person = make_person(Role.NATIONAL_COORDINATOR)
    person.is_active = False

    assert not roles.is_coordinator(person)


def test_a_superuser_is_a_national_coordinator():
    person = make_person(Role.MEMBER)
    person.is_superuser = True

    assert roles.is_national_coordinator(person)
    assert roles.scope_of(person).everything


def test_a_regional_coordinator_sees_only_their_region():
    coordinator = make_person(Role.REGIONAL_COORDINATOR)
    in_region = ApplicationFactory(local_authority=council("E08000035"))  # Leeds
    ApplicationFactory(local_authority=council("E06000047"))  # County Durham, North East

    visible = roles.filter_by_region(
        Application.objects.all(), coordinator, "local_authority__region"
    )

    assert list(visible) == [in_region]


def test_council_staff_and_members_see_nothing_by_region():
    ApplicationFactory()
    for role in (Role.COUNCIL_STAFF, Role.MEMBER, Role.LEADER):
        person = make_person(role)
        queryset = roles.filter_by_region(
            Application.objects.all(), person, "local_authority__region"
        )
        assert not queryset.exists()


def test_council_staff_scope_is_their_council():
    staff = make_person(Role.COUNCIL_STAFF)

    assert roles.scope_of(staff).local_authority_id == council().pk


def test_a_role_removed_is_gone_once_roles_are_worked_out_again():
    coordinator = make_person(Role.NATIONAL_COORDINATOR)
    assert roles.is_coordinator(coordinator)

    StaffRole.objects.filter(user=coordinator).delete()
    roles.forget_roles(coordinator)

    assert not roles.is_coordinator(coordinator)


def test_the_database_refuses_a_regional_coordinator_without_a_region():
    from django.db import IntegrityError, transaction

    person = make_person(Role.MEMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffRole.objects.create(user=person, kind=StaffRole.Kind.REGIONAL_COORDINATOR)


def test_staff_role_validation_explains_what_is_missing():
    from django.core.exceptions import ValidationError

    role = StaffRole(
        user=make_person(Role.MEMBER),
        kind=StaffRole.Kind.COUNCIL_STAFF,
        region=Region.objects.first(),
    )
    with pytest.raises(ValidationError) as error:
        role.full_clean()

    assert error.value.message_dict["local_authority"] == [
        "Choose the council this person works for."
    ]
    assert "Only a regional coordinator has a region" in error.value.message_dict["region"][0]


def test_only_one_open_application_per_person():
    from django.db import IntegrityError, transaction

    application = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(user=application.user)
    assert Application.objects.filter(user=application.user).count() == 1


# --- A signed-in person is loaded once, with everything their roles need ------


def signed_in(person):
    """The person as a request loads them, through the session's backend."""
    from citizenleaders.backends import UserBackend

    return UserBackend().get_user(person.pk)


@pytest.mark.parametrize("role", [role for role in Role if role != Role.ANONYMOUS])
def test_a_signed_in_persons_roles_and_two_factor_cost_no_more_queries(
    role, django_assert_num_queries
):
    person = signed_in(make_person(role))

    with django_assert_num_queries(0):
        assert roles.primary_role(person) == role
        assert roles.has_two_factor(person) == (role in roles.STAFF_ROLES)
        assert not roles.needs_two_factor_setup(person)
        roles.scope_of(person)


def test_a_staff_page_asks_for_the_session_and_the_account_once_each(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_person(Role.NATIONAL_COORDINATOR))

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/directory/").status_code == 200

    tables = ("django_session", "citizenleaders_staffrole", "mfa_authenticator")
    asked = [query["sql"] for query in queries if any(table in query["sql"] for table in tables)]
    # The session, then the account with its staff role, leader profile and
    # two-factor set-up in one query.
    assert len(asked) == 2


def test_two_factor_turned_off_is_noticed_once_worked_out_again():
    from allauth.mfa.models import Authenticator

    person = signed_in(make_person(Role.COUNCIL_STAFF))
    assert not roles.needs_two_factor_setup(person)

    Authenticator.objects.filter(user=person).delete()
    roles.forget_roles(person)

    assert roles.needs_two_factor_setup(person)


def test_an_application_made_is_noticed_once_worked_out_again():
    person = signed_in(make_person(Role.MEMBER))
    assert roles.primary_role(person) == Role.MEMBER

    ApplicationFactory(user=person)
    roles.forget_roles(person)

    assert roles.primary_role(person) == Role.APPLICANT


def test_a_closed_account_is_not_signed_in():
    person = make_person(Role.LEADER)
    person.is_active = False
    person.save()

    assert signed_in(person) is None

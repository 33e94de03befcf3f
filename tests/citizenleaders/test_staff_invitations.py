"""Staff accounts: a coordinator gives the council staff role on an existing
account or by inviting an email address; the role applies once that address
is verified; nobody gives themselves a role; removing it takes effect on the
next request; new staff set up two-factor before their first staff page."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from citizenleaders import services
from citizenleaders.models import StaffInvitation, StaffRole, User
from citizenleaders.roles import Role
from tests.citizenleaders.factories import StaffInvitationFactory, UserFactory
from tests.conftest import log_in, make_person
from tests.leaders.factories import council

pytestmark = pytest.mark.django_db

LEEDS, BRADFORD, MANCHESTER = "E08000035", "E08000032", "E08000003"
INVITATIONS = "/admin/citizenleaders/staffinvitation/"
ADD_INVITATION = f"{INVITATIONS}add/"
ROLES = "/admin/citizenleaders/staffrole/"
NEW_PASSWORD = "another-long-password-77"


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Send the emails a request would send once it commits."""

    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            return request()

    return run


@pytest.fixture
def national(client, national_coordinator):
    client.force_login(national_coordinator)
    return national_coordinator


@pytest.fixture
def regional(client, regional_coordinator):
    client.force_login(regional_coordinator)
    return regional_coordinator


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def invitation_link(message):
    return re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", message.body).group(1)


def confirmation_link(message):
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body).group(1)


def invite(client, email, gss_code=LEEDS, **data):
    return client.post(
        ADD_INVITATION, {"email": email, "local_authority": council(gss_code).pk, **data}
    )


def errors_of(response):
    return response.context["adminform"].form.errors


# Inviting by email ------------------------------------------------------------------


def test_a_coordinator_invites_an_address_and_it_is_emailed_a_link(
    client, national, commits, mailoutbox
):
    response = commits(lambda: invite(client, "New.Person@Leeds.example.org", admin_access="on"))

    invitation = StaffInvitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:citizenleaders_staffinvitation_change", args=[invitation.pk]
    )
    assert messages_of(response) == [
        f"We have emailed an invitation to new.person@leeds.example.org. The link works until "
        f"{services.uk_date(invitation.expires_at)}."
    ]
    assert invitation.email == "new.person@leeds.example.org"
    assert invitation.local_authority == council(LEEDS)
    assert invitation.admin_access
    assert invitation.invited_by == national
    assert invitation.status_label == "Waiting"
    assert not StaffRole.objects.filter(kind=StaffRole.Kind.COUNCIL_STAFF).exists()
    [message] = mailoutbox
    assert message.to == ["new.person@leeds.example.org"]
    assert "staff of Leeds" in message.subject
    assert invitation_link(message) == f"/accounts/invitation/{invitation.token}/"
    assert "two-factor authentication" in message.body


def test_the_invitation_page_explains_it_and_sends_the_person_to_sign_up(client):
    invitation = StaffInvitationFactory(email="new.person@leeds.example.org")

    response = client.get(invitation.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Your invitation to be council staff – Citizen Leaders</title>" in html
    assert html.count("<h1") == 1
    assert "new.person@leeds.example.org" in html
    assert "staff of Leeds" in html
    assert "/accounts/signup/?email=new.person%40leeds.example.org&amp;next=%2Fme%2F" in html
    assert "/accounts/login/?next=" in html


def test_the_role_applies_once_the_invited_address_is_verified_then_two_factor_is_set_up(
    client, commits, mailoutbox
):
    invitation = StaffInvitationFactory(email="new.person@leeds.example.org", admin_access=True)

    commits(
        lambda: client.post(
            "/accounts/signup/",
            {
                "email": "New.Person@leeds.example.org",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
    )
    person = User.objects.get(email="new.person@leeds.example.org")
    assert not StaffRole.objects.filter(user=person).exists()  # not verified yet

    response = commits(lambda: client.post(confirmation_link(mailoutbox[-1])))

    role = StaffRole.objects.get(user=person)
    assert role.kind == StaffRole.Kind.COUNCIL_STAFF
    assert role.local_authority == council(LEEDS)
    assert role.admin_access
    assert role.granted_by == invitation.invited_by
    invitation.refresh_from_db()
    assert invitation.accepted_by == person
    assert invitation.accepted_at is not None
    assert any("You are now council staff for Leeds" in m for m in messages_of(response))
    # Logged in by confirming: the first staff page asks for two-factor first.
    response = client.get("/directory/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/?next=%2Fdirectory%2F"


def test_verifying_another_address_gives_no_role(client, commits, mailoutbox):
    invitation = StaffInvitationFactory(email="new.person@leeds.example.org")

    commits(
        lambda: client.post(
            "/accounts/signup/",
            {
                "email": "someone.else@example.org",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
    )
    client.post(confirmation_link(mailoutbox[-1]))

    assert not StaffRole.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status_label == "Waiting"


def test_an_address_verified_later_gives_the_role_at_the_next_login(client):
    person = UserFactory(email="new.person@leeds.example.org", verified=False)
    address = EmailAddress.objects.create(user=person, email=person.email, primary=True)
    invitation = StaffInvitationFactory(email=person.email)
    address.verified = True  # say, confirmed by support
    address.save()
    assert not StaffRole.objects.filter(user=person).exists()

    log_in(client, person)

    assert StaffRole.objects.get(user=person).local_authority == council(LEEDS)
    invitation.refresh_from_db()
    assert invitation.accepted_by == person


def test_inviting_an_address_already_verified_on_an_account_gives_the_role_at_once(
    client, national, member, commits, mailoutbox
):
    response = commits(lambda: invite(client, member.email.upper()))

    role = StaffRole.objects.get(user=member)
    assert role.local_authority == council(LEEDS)
    assert role.granted_by == national
    invitation = StaffInvitation.objects.get()
    assert invitation.accepted_by == member
    assert messages_of(response) == [
        f"{member.email} is already confirmed on an account, so they are now council staff "
        "for Leeds. We have emailed them to tell them."
    ]
    [message] = mailoutbox
    assert message.to == [member.email]
    assert message.subject == "You can now use Citizen Leaders as staff of Leeds"


def test_a_person_who_already_holds_a_staff_role_is_refused(client, national):
    other = make_person(Role.REGIONAL_COORDINATOR)

    response = invite(client, other.email)

    assert response.status_code == 200
    assert "This person already has a staff role" in " ".join(errors_of(response)["email"])
    assert not StaffInvitation.objects.exists()
    assert StaffRole.objects.get(user=other).kind == StaffRole.Kind.REGIONAL_COORDINATOR


def test_an_address_with_an_invitation_waiting_is_refused(client, national):
    StaffInvitationFactory(email="new.person@leeds.example.org")

    response = invite(client, "new.person@leeds.example.org", BRADFORD)

    assert response.status_code == 200
    assert "already has an invitation waiting" in " ".join(errors_of(response)["email"])
    assert StaffInvitation.objects.count() == 1


# Nobody gives themselves a staff role ------------------------------------------------


def test_nobody_can_invite_their_own_address(client, national):
    EmailAddress.objects.create(user=national, email="my.other@example.org", verified=True)

    for email in (national.email, "My.Other@example.org"):
        response = invite(client, email)

        assert response.status_code == 200
        assert "You cannot give yourself a staff role" in " ".join(errors_of(response)["email"])
    assert not StaffInvitation.objects.exists()
    assert StaffRole.objects.get(user=national).kind == StaffRole.Kind.NATIONAL_COORDINATOR


def test_nobody_takes_up_an_invitation_they_sent_themselves(client):
    # A superuser is a national coordinator without a staff role of their own.
    sender = UserFactory(is_superuser=True, two_factor=True)
    invitation = StaffInvitationFactory(email="spare.address@example.org", invited_by=sender)
    EmailAddress.objects.create(user=sender, email=invitation.email, verified=True)

    log_in(client, sender)

    assert not StaffRole.objects.filter(user=sender).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# Links that no longer work ------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "says"),
    [
        ({"accepted_at": timezone.now()}, "already been taken up"),
        ({"withdrawn_at": timezone.now()}, "has withdrawn it"),
        ({"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, "ran out on"),
    ],
    ids=["accepted", "withdrawn", "expired"],
)
def test_a_used_withdrawn_or_expired_link_explains_itself(client, state, says):
    invitation = StaffInvitationFactory(**state)

    response = client.get(invitation.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>This invitation cannot be used – Citizen Leaders</title>" in html
    assert says in html
    assert "/accounts/signup/?email=" not in html  # no way to take it up


def test_an_unknown_link_explains_itself(client):
    response = client.get("/accounts/invitation/not-a-real-token/")

    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()


@pytest.mark.parametrize(
    "state",
    [
        {"withdrawn_at": timezone.now()},
        {"expires_at": timezone.now() - datetime.timedelta(minutes=1)},
    ],
    ids=["withdrawn", "expired"],
)
def test_a_withdrawn_or_expired_invitation_gives_no_role(client, state):
    person = UserFactory(email="new.person@leeds.example.org")
    StaffInvitationFactory(email=person.email, **state)

    log_in(client, person)

    assert not StaffRole.objects.filter(user=person).exists()


def test_an_invitation_from_someone_who_can_no_longer_give_the_role_gives_none(client):
    sender = make_person(Role.REGIONAL_COORDINATOR)
    invitation = StaffInvitationFactory(invited_by=sender)
    sender.staff_role.delete()
    person = UserFactory(email=invitation.email)

    page = client.get(invitation.get_absolute_url()).content.decode()
    log_in(client, person)

    assert "can no longer give this role" in page
    assert not StaffRole.objects.filter(user=person).exists()


# Sending again and withdrawing --------------------------------------------------------


def test_withdrawing_asks_for_confirmation_then_the_link_stops_working(client, national):
    invitation = StaffInvitationFactory()
    url = reverse("admin:citizenleaders_staffinvitation_withdraw", args=[invitation.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "The link we sent them will stop working" in confirm.content.decode()
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None

    response = client.post(url)

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status_label == "Withdrawn"
    assert "has withdrawn it" in client.get(invitation.get_absolute_url()).content.decode()
    # Withdrawn once is enough: the button is gone and the page says why.
    assert "it has been withdrawn" in client.get(url).content.decode()


def test_withdrawing_from_the_list_asks_for_confirmation(client, national):
    waiting = StaffInvitationFactory()
    accepted = StaffInvitationFactory(accepted_at=timezone.now())
    data = {"action": "withdraw_selected", "_selected_action": [waiting.pk, accepted.pk]}

    confirm = client.post(INVITATIONS, data)
    assert confirm.status_code == 200
    assert "1 other invitation you chose was already accepted" in confirm.content.decode()
    waiting.refresh_from_db()
    assert waiting.withdrawn_at is None

    client.post(INVITATIONS, {**data, "post": "yes"})

    waiting.refresh_from_db()
    accepted.refresh_from_db()
    assert waiting.withdrawn_at is not None
    assert accepted.withdrawn_at is None


def test_sending_again_gives_a_new_link_and_more_time(client, national, commits, mailoutbox):
    invitation = StaffInvitationFactory(expires_at=timezone.now() - datetime.timedelta(days=1))
    old_link = invitation.get_absolute_url()

    response = commits(
        lambda: client.post(
            reverse("admin:citizenleaders_staffinvitation_resend", args=[invitation.pk])
        )
    )

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status_label == "Waiting"
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=13)
    [message] = mailoutbox
    assert invitation_link(message) == invitation.get_absolute_url() != old_link
    assert "This link does not work" in client.get(old_link).content.decode()


# Regional coordinators: council staff of their region's councils only -----------------------


def test_a_regional_coordinator_invites_for_a_council_in_their_region_only(client, regional):
    refused = invite(client, "someone@manchester.example.org", MANCHESTER)
    assert refused.status_code == 200
    assert "local_authority" in errors_of(refused)

    response = invite(client, "someone@bradford.example.org", BRADFORD)

    assert response.status_code == 302
    assert StaffInvitation.objects.get().local_authority == council(BRADFORD)


def test_a_regional_coordinator_sees_only_their_regions_invitations(client, regional):
    leeds = StaffInvitationFactory()
    manchester = StaffInvitationFactory(local_authority=council(MANCHESTER))

    listing = client.get(INVITATIONS)

    assert list(listing.context["cl"].result_list) == [leeds]
    for name in ("change", "history", "withdraw", "resend"):
        url = reverse(f"admin:citizenleaders_staffinvitation_{name}", args=[manchester.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url).status_code in (403, 404), name
    manchester.refresh_from_db()
    assert manchester.withdrawn_at is None


def test_a_regional_coordinator_gives_the_council_staff_role_on_an_existing_account(
    client, regional, member, commits, mailoutbox
):
    page = client.get(f"{ROLES}add/").content.decode()
    assert 'type="email" name="user"' in page  # an address, not a list of every account
    assert "Regional coordinator" not in page

    response = commits(
        lambda: client.post(
            f"{ROLES}add/",
            {
                "user": member.email.upper(),
                "kind": StaffRole.Kind.COUNCIL_STAFF,
                "local_authority": council(LEEDS).pk,
                "admin_access": "on",
            },
        )
    )

    assert response.status_code == 302
    role = StaffRole.objects.get(user=member)
    assert (role.kind, role.local_authority, role.admin_access) == (
        StaffRole.Kind.COUNCIL_STAFF,
        council(LEEDS),
        True,
    )
    assert role.granted_by == regional
    [message] = mailoutbox
    assert message.to == [member.email]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": StaffRole.Kind.REGIONAL_COORDINATOR}, "kind"),
        ({"local_authority": "MANCHESTER"}, "local_authority"),
        ({"user": "nobody@example.org"}, "user"),
        ({"user": "SELF"}, "user"),
        ({"user": "STAFF"}, "user"),
    ],
    ids=["coordinator role", "another region", "no account", "themselves", "already staff"],
)
def test_a_regional_coordinator_cannot_give_other_roles(client, regional, member, data, field):
    other_staff = make_person(Role.COUNCIL_STAFF)
    post = {
        "user": member.email,
        "kind": StaffRole.Kind.COUNCIL_STAFF,
        "local_authority": council(LEEDS).pk,
        **data,
    }
    replacements = {
        "MANCHESTER": council(MANCHESTER).pk,
        "SELF": regional.email,
        "STAFF": other_staff.email,
    }
    post = {name: replacements.get(value, value) for name, value in post.items()}
    before = set(StaffRole.objects.values_list("pk", "user", "kind", "local_authority"))

    response = client.post(f"{ROLES}add/", post)

    assert response.status_code == 200
    assert field in errors_of(response)
    assert set(StaffRole.objects.values_list("pk", "user", "kind", "local_authority")) == before


def test_a_regional_coordinator_sees_and_removes_council_staff_of_their_region_only(
    client, regional, national_coordinator
):
    leeds_staff = make_person(Role.COUNCIL_STAFF).staff_role
    manchester_staff = make_person(Role.MEMBER)
    manchester_role = StaffRole.objects.create(
        user=manchester_staff,
        kind=StaffRole.Kind.COUNCIL_STAFF,
        local_authority=council(MANCHESTER),
    )

    listed = list(client.get(ROLES).context["cl"].result_list)

    assert listed == [leeds_staff]  # not coordinators, not another region's staff
    for role in (manchester_role, national_coordinator.staff_role, regional.staff_role):
        for name in ("change", "history", "delete"):
            url = reverse(f"admin:citizenleaders_staffrole_{name}", args=[role.pk])
            assert client.get(url).status_code == 404, (role, name)
    response = client.post(
        reverse("admin:citizenleaders_staffrole_delete", args=[leeds_staff.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not StaffRole.objects.filter(pk=leeds_staff.pk).exists()
    assert StaffRole.objects.filter(pk=manchester_role.pk).exists()


def test_the_council_offered_to_a_regional_coordinator_is_in_their_region(client, regional):
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "citizenleaders",
            "model_name": "staffinvitation",
            "field_name": "local_authority",
            "term": "",
        },
    )

    names = {result["text"] for result in response.json()["results"]}
    assert "Leeds" in names
    assert "Bradford" in names
    assert "Manchester" not in names


# Removing a role, and back-office access -----------------------------------------------


def test_removing_the_role_takes_effect_on_the_next_request(client, national_coordinator):
    staff = make_person(Role.COUNCIL_STAFF)
    StaffRole.objects.filter(user=staff).update(admin_access=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200

    coordinator = client.__class__()
    coordinator.force_login(national_coordinator)
    response = coordinator.post(
        reverse("admin:citizenleaders_staffrole_delete", args=[staff.staff_role.pk]),
        {"post": "yes"},
    )
    assert response.status_code == 302

    assert client.get("/admin/").status_code == 403
    assert "/accounts/2fa/" not in client.get("/directory/").get("Location", "")


def test_only_council_staff_given_it_use_the_back_office(client):
    staff = make_person(Role.COUNCIL_STAFF)
    client.force_login(staff)
    assert not staff.is_staff
    assert client.get("/admin/").status_code == 403

    StaffRole.objects.filter(user=staff).update(admin_access=True)

    assert User.objects.get(pk=staff.pk).is_staff
    assert client.get("/admin/").status_code == 200


def test_new_council_staff_are_sent_to_set_up_two_factor_first(client):
    staff = make_person(Role.COUNCIL_STAFF)
    Authenticator.objects.filter(user=staff).delete()
    client.force_login(staff)

    response = client.get("/directory/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/?next=%2Fdirectory%2F"


def test_the_staff_role_admin_and_the_accounts_list_show_back_office_access(
    client, national, commits
):
    staff = make_person(Role.COUNCIL_STAFF)
    StaffRole.objects.filter(user=staff).update(admin_access=True)

    roles_page = client.get(ROLES).content.decode()
    accounts = client.get("/admin/citizenleaders/user/").content.decode()

    assert "may use the back office" in roles_page.lower()
    assert "Council staff (Leeds), with the back office" in accounts

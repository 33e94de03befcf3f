"""A person's data: downloading everything held about them, closing their
account, and erasing old declined and withdrawn applications."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from citizenleaders.roles import Role
from leaders.models import Activity, Application, ApplicationEvent, Leader, Story
from tests.citizenleaders.factories import PASSWORD, UserFactory
from tests.conftest import make_person
from tests.leaders.factories import (
    ActivityFactory,
    ApplicationFactory,
    LeaderFactory,
    StoryFactory,
    TrainingRecordFactory,
    council,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def leader():
    """A leader with something of everything: an accepted application with its
    history, a profile, training, an activity and a story."""
    user = UserFactory(full_name="Mary Seacole", email="mary@example.org")
    application = ApplicationFactory(
        user=user,
        status=Application.Status.ACCEPTED,
        full_name="Mary Seacole",
        phone="07700 900 123",
        support_experience="I have managed a direct payment for ten years.",
        is_carer=True,
        notes="Strong candidate. (coordinators only)",
        decided_at=timezone.now(),
    )
    ApplicationEvent.objects.create(application=application, status="accepted", note="Welcome!")
    leader = LeaderFactory(
        user=user,
        application=application,
        phone="07700 900 123",
        bio="Carer and campaigner.",
        preferred_name="Mary",
        access_needs="Step-free access.",
        in_directory=True,
        directory_shows_email=True,
        days=["monday"],
        contact_methods=["phone"],
    )
    TrainingRecordFactory(leader=leader)
    ActivityFactory(
        leader=leader,
        hours=Decimal("3.5"),
        people_reached=40,
        local_authority=council(),
        organisation="Leeds Carers",
        description="Trained social workers.",
        challenge="Waiting lists.",
        change="A new carers' assessment.",
        status=Activity.Status.VERIFIED,
    )
    StoryFactory(leader=leader, title="Caring with choice", body="My story in my words.")
    return leader


@pytest.fixture
def someone_else():
    user = UserFactory(full_name="Other Person", email="other@example.org")
    leader = LeaderFactory(user=user, access_needs="Other's needs.")
    ActivityFactory(leader=leader, description="Other person's work.")
    StoryFactory(leader=leader, title="Other person's story")
    return leader


# --- Download --------------------------------------------------------------------------


def test_the_download_holds_everything_about_the_person_and_nobody_else(
    client, leader, someone_else
):
    client.force_login(leader.user)

    response = client.get(reverse("leaders:data_download"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="citizen-leaders-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "mary@example.org"
    assert data["account"]["full_name"] == "Mary Seacole"
    assert data["account"]["roles"] == ["Citizen Leader", "Member"]
    [application] = data["applications"]
    assert application["experience_of_self_directed_support"].startswith("I have managed")
    assert application["connection_to_adult_social_care"] == ["carer"]
    assert application["history"][0]["note"] == "Welcome!"
    profile = data["leader"]
    assert profile["short_bio"] == "Carer and campaigner."
    assert profile["access_needs"] == "Step-free access."
    assert profile["days_available"] == ["Monday"]
    assert profile["training"][0]["status"]["code"] == "completed"
    [activity] = profile["activities"]
    assert activity["description"] == "Trained social workers."
    assert activity["hours"] == "3.50"
    assert activity["what_changed"] == "A new carers' assessment."
    [story] = profile["stories"]
    assert story["title"] == "Caring with choice"
    text = response.content.decode()
    for someone_elses in ["other@example.org", "Other's needs.", "Other person's"]:
        assert someone_elses not in text
    assert "coordinators only" not in text  # internal notes stay internal


def test_a_member_can_download_their_data_too(client, member):
    client.force_login(member)

    data = json.loads(client.get(reverse("leaders:data_download")).content)

    assert data["account"]["email"] == member.email
    assert data["applications"] == []
    assert data["leader"] is None


def test_the_data_page_explains_the_download(client, member):
    client.force_login(member)

    content = client.get(reverse("leaders:data")).content.decode()

    assert reverse("leaders:data_download") in content
    assert reverse("leaders:close") in content


def test_the_data_pages_need_a_login(client):
    for name in ["leaders:data", "leaders:data_download", "leaders:close"]:
        response = client.get(reverse(name))
        assert response["Location"] == f"{reverse('account_login')}?next={reverse(name)}"


# --- Closing an account ------------------------------------------------------------------


def close(client, password=PASSWORD):
    return client.post(reverse("leaders:close"), {"password": password})


@pytest.mark.parametrize(
    ("password", "message"),
    [("", "Enter your password"), ("not-my-password", "The password is not right")],
)
def test_closing_needs_the_right_password(client, leader, password, message):
    client.force_login(leader.user)

    response = close(client, password)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error: " in content
    assert message in content
    user = User.objects.get(pk=leader.user.pk)
    assert user.is_active and user.email == "mary@example.org"
    assert Story.objects.filter(leader=leader).exists()
    assert client.get(reverse("me")).status_code == 200  # still logged in


def test_closing_an_account_erases_the_person_and_keeps_anonymous_figures(
    client, leader, someone_else, mailoutbox, django_capture_on_commit_callbacks
):
    other_device = type(client)()
    other_device.force_login(leader.user)
    client.force_login(leader.user)
    user_pk, leader_pk = leader.user.pk, leader.pk

    with django_capture_on_commit_callbacks(execute=True):
        response = close(client)

    assert response["Location"] == reverse("home")
    assert "Your account is closed" in client.get(response["Location"]).content.decode()
    # Logged out here and everywhere else.
    for device in [client, other_device]:
        assert device.get(reverse("me"))["Location"].startswith(reverse("account_login"))
    # The account is an empty shell nobody can log in to.
    user = User.objects.get(pk=user_pk)
    assert user.email == f"erased-{user_pk}@erased.invalid"
    assert user.full_name == ""
    assert not user.is_active
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    login = client.post(
        reverse("account_login"), {"login": "mary@example.org", "password": PASSWORD}
    )
    assert login.status_code == 200
    # The profile keeps nothing personal.
    leader = Leader.objects.get(pk=leader_pk)
    assert (leader.preferred_name, leader.phone, leader.bio, leader.access_needs) == (
        "",
        "",
        "",
        "",
    )
    assert leader.days == [] and leader.contact_methods == []
    assert not leader.in_directory and not leader.directory_shows_email
    assert leader.status == Leader.Status.LEFT
    assert leader.training.count() == 1
    # Stories are gone; activities keep their figures and lose their words.
    assert not Story.objects.filter(leader=leader).exists()
    activity = leader.activities.get()
    assert (activity.kind, activity.hours, activity.people_reached) == (
        "local_meeting",
        Decimal("3.5"),
        40,
    )
    assert activity.local_authority == council()
    assert activity.status == Activity.Status.VERIFIED
    assert (activity.description, activity.organisation, activity.challenge, activity.change) == (
        "",
        "",
        "",
        "",
    )
    # The application is an anonymous figure.
    application = Application.objects.get(user=user)
    assert application.status == Application.Status.ACCEPTED
    assert application.is_carer
    assert (application.full_name, application.phone, application.support_experience) == (
        "",
        "",
        "",
    )
    assert application.notes == ""
    assert not application.events.exclude(note="").exists()
    # Nobody else is touched.
    someone_else.refresh_from_db()
    assert someone_else.access_needs == "Other's needs."
    assert Story.objects.filter(leader=someone_else).exists()
    assert someone_else.activities.get().description == "Other person's work."
    # A last email to the old address.
    assert [message.to for message in mailoutbox] == [["mary@example.org"]]
    assert "closed" in mailoutbox[0].subject


def test_an_applicant_closing_withdraws_an_open_application(client):
    user = make_person(Role.APPLICANT)
    application = user.applications.get()
    application.full_name = "Ann Applicant"
    application.save()
    client.force_login(user)

    close(client)

    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.full_name == ""
    assert application.events.filter(status="withdrawn").exists()


def test_a_draft_application_is_deleted_when_the_account_closes(client, member):
    ApplicationFactory(user=member, status=Application.Status.DRAFT, submitted_at=None)
    client.force_login(member)

    close(client)

    assert not Application.objects.exists()


def test_a_member_can_close_their_account(client, member):
    client.force_login(member)

    assert close(client)["Location"] == reverse("home")

    member.refresh_from_db()
    assert not member.is_active


def test_staff_cannot_close_their_own_account(client, council_staff):
    client.force_login(council_staff)

    shown = client.get(reverse("leaders:close"))
    assert "Ask a national coordinator to remove your staff role first" in shown.content.decode()
    assert close(client).status_code == 403

    council_staff.refresh_from_db()
    assert council_staff.is_active
    assert Authenticator.objects.filter(user=council_staff).exists()


# --- Erasing old applications ---------------------------------------------------------------


def application_decided(status, days_ago, **kwargs):
    application = ApplicationFactory(status=status, **kwargs)
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Application.objects.filter(pk=application.pk).update(updated_at=when)
    if status == Application.Status.DECLINED:
        Application.objects.filter(pk=application.pk).update(decided_at=when)
    ApplicationEvent.objects.create(application=application, status=status, at=when)
    return application


def erase(**options):
    out = StringIO()
    call_command("erase_old_applications", stdout=out, **options)
    return out.getvalue()


def test_old_declined_and_withdrawn_applications_are_erased(settings):
    settings.APPLICATION_RETENTION_DAYS = 365
    old_declined = application_decided(Application.Status.DECLINED, 400)
    old_withdrawn = application_decided(Application.Status.WITHDRAWN, 400)
    recent_declined = application_decided(Application.Status.DECLINED, 100)
    old_submitted = application_decided(Application.Status.SUBMITTED, 400)
    old_accepted = application_decided(Application.Status.ACCEPTED, 400)

    output = erase()

    assert "Erased 2 declined or withdrawn applications" in output
    remaining = set(Application.objects.values_list("pk", flat=True))
    assert remaining == {recent_declined.pk, old_submitted.pk, old_accepted.pk}
    assert not ApplicationEvent.objects.filter(
        application_id__in=[old_declined.pk, old_withdrawn.pk]
    ).exists()
    # The people keep their accounts.
    assert User.objects.filter(pk=old_declined.user_id, is_active=True).exists()


def test_the_retention_period_comes_from_the_setting(settings):
    recent_declined = application_decided(Application.Status.DECLINED, 100)
    settings.APPLICATION_RETENTION_DAYS = 365
    erase()
    assert Application.objects.filter(pk=recent_declined.pk).exists()

    settings.APPLICATION_RETENTION_DAYS = 30
    assert "Erased 1 declined or withdrawn application " in erase()

    assert not Application.objects.exists()


def test_the_command_can_be_given_a_period(settings):
    settings.APPLICATION_RETENTION_DAYS = 365
    application_decided(Application.Status.WITHDRAWN, 100)

    assert "Erased 1" in erase(days=50)


def test_a_leaders_requests_for_involvement_are_in_their_data_and_erased_with_it(client, leader):
    from leaders.models import InvolvementMatch
    from tests.leaders.factories import InvolvementMatchFactory

    match = InvolvementMatchFactory(
        leader=leader,
        status=InvolvementMatch.Status.DECLINED,
        decline_reason="I have a hospital appointment that day.",
        request__title="Carers' strategy panel",
    )
    client.force_login(leader.user)

    data = json.loads(client.get(reverse("leaders:data_download")).content)

    [offer] = data["leader"]["requests_for_involvement"]
    assert offer["title"] == "Carers' strategy panel"
    assert offer["your_answer"] == {"code": "declined", "label": "Declined"}
    assert offer["reason_for_declining"] == "I have a hospital appointment that day."

    close(client)

    match.refresh_from_db()
    assert match.decline_reason == ""

"""The outbox: every email is recorded in the transaction that caused it,
sent once that commits, kept and tried again when sending fails, never twice,
and shown to national coordinators only."""

import datetime
import re

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from citizenleaders import outbox
from citizenleaders.mail import send_email
from citizenleaders.models import OutboundEmail
from citizenleaders.roles import Role
from events import services as events
from events.models import Registration
from leaders.models import Application
from leaders.services.participation import person_erase
from tests.citizenleaders.factories import OutboundEmailFactory, UserFactory
from tests.conftest import make_person
from tests.events.factories import EventFactory
from tests.leaders.test_apply import fill_in

pytestmark = pytest.mark.django_db

Status = OutboundEmail.Status
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
CHANGELIST = reverse("admin:citizenleaders_outboundemail_changelist")


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run something and deliver the emails it recorded once it commits."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def mail_server_down(settings):
    """A real SMTP backend pointed at a closed local port: every connection
    is refused, as when the mail server is down."""
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""

    def back_up():
        settings.OUTBOX_DELIVERY_BACKEND = LOCMEM
        outbox.resume_delivery()

    return back_up


def retry():
    call_command("send_queued_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115


def make_due(**filters):
    OutboundEmail.objects.filter(**filters).update(next_attempt_at=timezone.now())


def test_every_email_is_recorded_and_sent(commits):
    commits(lambda: send_email(to="ada@example.org", name="me_account_closed", context={}))

    [email] = OutboundEmail.objects.all()
    [sent] = mail.outbox
    assert email.recipients == ["ada@example.org"] == sent.to
    assert email.subject == sent.subject and email.body == sent.body
    assert email.template == "me_account_closed"
    assert email.status == Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None and email.next_attempt_at is None


def test_an_email_is_recorded_before_the_change_commits_and_sent_only_after(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            send_email(to="ada@example.org", name="me_account_closed", context={})
            assert OutboundEmail.objects.get().status == Status.QUEUED
        assert mail.outbox == []

    for callback in callbacks:
        callback()
    assert OutboundEmail.objects.get().status == Status.SENT
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_leaves_no_email(commits):
    def fails():
        with transaction.atomic():
            send_email(to="ada@example.org", name="me_account_closed", context={})
            raise RuntimeError("the change went wrong")

    with pytest.raises(RuntimeError):
        commits(fails)

    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_emails_sent_with_djangos_own_functions_are_recorded_too(commits):
    from django.core.mail import send_mail

    commits(lambda: send_mail("Hello", "A note.", None, ["someone@example.org"]))

    email = OutboundEmail.objects.get()
    assert email.subject == "Hello" and email.status == Status.SENT
    assert email.template == ""
    assert mail.outbox[0].to == ["someone@example.org"]


def test_allauths_confirmation_email_is_recorded(client, commits):
    response = commits(
        lambda: client.post(
            "/accounts/signup/",
            {
                "email": "new.person@example.org",
                "password1": "another-long-password-77",
                "password2": "another-long-password-77",
            },
        )
    )

    assert response.status_code == 302
    email = OutboundEmail.objects.get()
    assert email.recipients == ["new.person@example.org"]
    assert email.template == "email_confirmation_signup"
    assert email.status == Status.SENT
    assert "/accounts/confirm-email/" in email.body
    assert mail.outbox[0].body == email.body


# When sending fails ------------------------------------------------------------------------


def test_a_booking_stays_made_when_its_email_fails_and_is_sent_by_the_retry(
    commits, mail_server_down
):
    event = EventFactory(capacity=5)
    person = UserFactory()

    registration = commits(lambda: events.registration_create(event=event, user=person))

    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CONFIRMED
    email = OutboundEmail.objects.get()
    assert email.recipients == [person.email]
    assert email.template == "booking_confirmed"
    assert email.status == Status.FAILED
    assert email.attempts == 1
    assert "Connection refused" in email.last_error or "ConnectionRefused" in email.last_error
    wait = email.next_attempt_at - timezone.now()
    assert datetime.timedelta(minutes=4) < wait <= datetime.timedelta(minutes=5)
    assert mail.outbox == []

    retry()  # the wait is not over: nothing is tried
    assert OutboundEmail.objects.get().attempts == 1

    mail_server_down()  # the mail server is back
    make_due()
    retry()
    email.refresh_from_db()
    assert email.status == Status.SENT and email.attempts == 2 and email.last_error == ""
    [sent] = mail.outbox
    assert sent.to == [person.email]
    assert sent.subject == f"Your place is booked: {event.title}"

    make_due()  # even if asked again, a sent email is never sent twice
    retry()
    assert len(mail.outbox) == 1


def test_an_application_stays_sent_when_its_email_fails(client, commits, mail_server_down):
    applicant = UserFactory()
    client.force_login(applicant)
    fill_in(client)

    response = commits(lambda: client.post(reverse("apply:submit")))

    assert response.status_code == 302
    application = applicant.applications.get()
    assert application.status == Application.Status.SUBMITTED
    email = OutboundEmail.objects.get()
    assert email.template == "application_submitted"
    assert email.recipients == [applicant.email]
    assert email.status == Status.FAILED
    assert application.reference in email.body

    mail_server_down()
    make_due()
    retry()
    assert OutboundEmail.objects.get().status == Status.SENT
    assert mail.outbox[0].to == [applicant.email]


def test_after_a_failure_new_emails_wait_for_the_retry_instead_of_the_timeout(
    commits, mail_server_down, settings
):
    commits(lambda: send_email(to="first@example.org", name="me_account_closed", context={}))
    # The server is back, but this process does not know yet: the next email
    # is kept for the retry command rather than risk another timeout.
    settings.OUTBOX_DELIVERY_BACKEND = LOCMEM
    commits(lambda: send_email(to="second@example.org", name="me_account_closed", context={}))

    second = OutboundEmail.objects.get(recipients=["second@example.org"])
    assert second.status == Status.QUEUED and second.attempts == 0
    assert mail.outbox == []

    retry()
    second.refresh_from_db()
    assert second.status == Status.SENT
    assert [message.to for message in mail.outbox] == [["second@example.org"]]


def test_the_retry_gives_up_after_the_last_try_and_keeps_the_error(mail_server_down, settings):
    email = OutboundEmailFactory(
        status=Status.FAILED,
        attempts=settings.OUTBOX_MAX_ATTEMPTS - 1,
        next_attempt_at=timezone.now(),
        last_error="ConnectionRefusedError",
    )

    retry()

    email.refresh_from_db()
    assert email.status == Status.FAILED
    assert email.attempts == settings.OUTBOX_MAX_ATTEMPTS
    assert email.next_attempt_at is None  # given up
    assert "Connection refused" in email.last_error

    mail_server_down()
    retry()
    email.refresh_from_db()
    assert email.attempts == settings.OUTBOX_MAX_ATTEMPTS  # not tried again
    assert mail.outbox == []


def test_each_wait_is_longer_than_the_last(mail_server_down):
    email = OutboundEmailFactory(status=Status.QUEUED, attempts=0)
    make_due()
    waits = []
    for _ in range(4):
        before = timezone.now()
        retry()
        email.refresh_from_db()
        waits.append(email.next_attempt_at - before)
        make_due()
    assert [round(wait.total_seconds() / 60) for wait in waits] == [5, 10, 20, 40]


def test_an_email_whose_sending_stopped_part_way_is_tried_again_once_its_claim_runs_out():
    stuck = OutboundEmailFactory(
        status=Status.SENDING,
        attempts=1,
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    retry()
    assert mail.outbox == []  # another process may still be sending it

    make_due()
    retry()
    stuck.refresh_from_db()
    assert stuck.status == Status.SENT
    assert len(mail.outbox) == 1


class SlowBackend(LocmemBackend):
    """A mail server that takes its time: while it sends, another run of the
    retry command starts (as cron would, every few minutes)."""

    def send_messages(self, messages):
        call_command("send_queued_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
        return super().send_messages(messages)


def test_two_runs_at_once_never_send_the_same_email_twice(settings):
    settings.OUTBOX_DELIVERY_BACKEND = f"{__name__}.SlowBackend"
    emails = [OutboundEmailFactory(status=Status.QUEUED, attempts=0) for _ in range(3)]

    retry()

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        email.recipients[0] for email in emails
    )
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


def test_only_one_of_two_processes_claims_an_email():
    email = OutboundEmailFactory(status=Status.QUEUED, attempts=0)
    make_due()
    due = OutboundEmail.objects.filter(pk=email.pk).due()

    first = outbox._claim(due)
    second = outbox._claim(due)

    assert [claimed.pk for claimed in first] == [email.pk]
    assert second == []


class RefusesOneAddress(LocmemBackend):
    def send_messages(self, messages):
        if any("refused@" in address for message in messages for address in message.to):
            raise ValueError("Recipient address rejected")
        return super().send_messages(messages)


def test_one_refused_email_does_not_stop_the_others(settings):
    settings.OUTBOX_DELIVERY_BACKEND = f"{__name__}.RefusesOneAddress"
    refused = OutboundEmailFactory(
        recipients=["refused@example.org"], status=Status.QUEUED, attempts=0
    )
    fine = OutboundEmailFactory(status=Status.QUEUED, attempts=0)
    make_due()

    retry()

    refused.refresh_from_db()
    fine.refresh_from_db()
    assert refused.status == Status.FAILED
    assert refused.last_error == "ValueError: Recipient address rejected"
    assert fine.status == Status.SENT
    assert [message.to for message in mail.outbox] == [fine.recipients]


# Keeping and erasing -----------------------------------------------------------------------


def test_old_sent_and_given_up_emails_are_deleted(settings):
    settings.OUTBOX_RETENTION_DAYS = 90
    long_ago = timezone.now() - datetime.timedelta(days=91)
    old_sent = OutboundEmailFactory(sent_at=long_ago)
    recent = OutboundEmailFactory(sent_at=timezone.now() - datetime.timedelta(days=89))
    old_given_up = OutboundEmailFactory(status=Status.FAILED, next_attempt_at=None)
    still_trying = OutboundEmailFactory(
        status=Status.FAILED,
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1),
    )
    OutboundEmail.objects.filter(pk__in=[old_given_up.pk, still_trying.pk]).update(
        updated_at=long_ago
    )

    retry()

    left = set(OutboundEmail.objects.values_list("pk", flat=True))
    assert left == {recent.pk, still_trying.pk}
    assert old_sent.pk not in left


def test_erasing_a_person_erases_their_emails_and_their_name_in_others(commits):
    person = make_person(Role.LEADER, full_name="Ada Lovelace", email="ada@example.org")
    to_them = OutboundEmailFactory(recipients=["Ada@Example.org"], body="Dear Ada Lovelace")
    about_them = OutboundEmailFactory(
        recipients=["organiser@example.org"],
        body="Who is coming:\n- Ada\n  Lovelace\n  Step-free access\n- Grace Hopper\n",
    )
    someone_else = OutboundEmailFactory(recipients=["ada.other@example.org"], body="Dear Ada")

    commits(lambda: person_erase(user=person))

    assert not OutboundEmail.objects.filter(pk=to_them.pk).exists()
    about_them.refresh_from_db()
    assert "Lovelace" not in about_them.body
    assert "[name removed]" in about_them.body and "Grace Hopper" in about_them.body
    someone_else.refresh_from_db()
    assert someone_else.body == "Dear Ada"
    # Only the last email, saying the account is closed, is left to them.
    [closed] = OutboundEmail.objects.filter(recipients=["ada@example.org"])
    assert closed.template == "me_account_closed"


# The back office ---------------------------------------------------------------------------


@pytest.fixture
def national(client):
    client.force_login(make_person(Role.NATIONAL_COORDINATOR))
    return client


def test_national_coordinators_see_the_outbox_with_its_filters_and_search(national):
    failed = OutboundEmailFactory(
        recipients=["failed.person@example.org"],
        subject="Your place is booked",
        status=Status.FAILED,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    sent = OutboundEmailFactory(recipients=["sent.person@example.org"], subject="Welcome")

    page = national.get(CHANGELIST).content.decode()
    assert "failed.person@example.org" in page and "sent.person@example.org" in page
    assert "Connection refused" in page

    only_failed = national.get(CHANGELIST, {"status__exact": "failed"}).content.decode()
    assert "failed.person@example.org" in only_failed
    assert "sent.person@example.org" not in only_failed

    found = national.get(CHANGELIST, {"q": "sent.person@"}).content.decode()
    assert "sent.person@example.org" in found and "failed.person@example.org" not in found
    by_subject = national.get(CHANGELIST, {"q": "Welcome"}).content.decode()
    assert "sent.person@example.org" in by_subject
    assert "failed.person@example.org" not in by_subject

    today = timezone.localdate()
    drilled = national.get(
        CHANGELIST, {"created_at__year": today.year, "created_at__month": today.month}
    )
    assert drilled.status_code == 200
    assert "sent.person@example.org" in drilled.content.decode()

    detail = national.get(
        reverse("admin:citizenleaders_outboundemail_change", args=[sent.pk])
    ).content.decode()
    assert "Dear Sam Example" in detail  # the body
    assert 'name="_save"' not in detail  # read-only
    assert failed.pk


def test_nobody_adds_changes_or_deletes_an_email(national):
    email = OutboundEmailFactory()
    change = reverse("admin:citizenleaders_outboundemail_change", args=[email.pk])
    delete = reverse("admin:citizenleaders_outboundemail_delete", args=[email.pk])

    assert national.get(reverse("admin:citizenleaders_outboundemail_add")).status_code == 403
    assert national.post(change, {"subject": "Changed"}).status_code == 403
    assert national.post(delete, {"post": "yes"}).status_code == 403
    email.refresh_from_db()
    assert email.subject.startswith("Your booking")


@pytest.mark.parametrize("role", [Role.REGIONAL_COORDINATOR, Role.COUNCIL_STAFF])
def test_the_outbox_is_for_national_coordinators_only(client, role):
    from citizenleaders.models import StaffRole

    email = OutboundEmailFactory(status=Status.FAILED)
    person = make_person(role)
    StaffRole.objects.filter(user=person, kind=StaffRole.Kind.COUNCIL_STAFF).update(
        admin_access=True
    )
    client.force_login(person)

    assert client.get(CHANGELIST).status_code == 403
    change = reverse("admin:citizenleaders_outboundemail_change", args=[email.pk])
    assert client.get(change).status_code == 403
    response = client.post(
        CHANGELIST, {"action": "send_again", "_selected_action": [email.pk], "post": "yes"}
    )
    assert response.status_code == 403
    assert mail.outbox == []
    if role == Role.REGIONAL_COORDINATOR:
        assert "Outbox" not in client.get(reverse("admin:index")).content.decode()


def test_send_again_now_asks_first_then_sends_the_failed_ones(national):
    failed = OutboundEmailFactory(
        status=Status.FAILED,
        attempts=10,
        next_attempt_at=None,  # given up
        last_error="ConnectionRefusedError",
    )
    sent = OutboundEmailFactory()
    chosen = {"action": "send_again", "_selected_action": [failed.pk, sent.pk]}

    confirm = national.post(CHANGELIST, chosen)

    assert confirm.status_code == 200
    text = re.sub(r"\s+", " ", confirm.content.decode())
    assert "We will try to send 1 email now" in text
    assert "1 other email you chose has been sent already" in text
    assert mail.outbox == []
    failed.refresh_from_db()
    assert failed.status == Status.FAILED and failed.attempts == 10

    done = national.post(CHANGELIST, {**chosen, "post": "yes"}, follow=True)

    assert "Sent 1 email." in done.content.decode()
    failed.refresh_from_db()
    assert failed.status == Status.SENT and failed.attempts == 11
    assert [message.to for message in mail.outbox] == [failed.recipients]


def test_send_again_now_says_when_sending_fails_again(national, mail_server_down):
    failed = OutboundEmailFactory(status=Status.FAILED, next_attempt_at=None)

    done = national.post(
        CHANGELIST,
        {"action": "send_again", "_selected_action": [failed.pk], "post": "yes"},
        follow=True,
    )

    assert "1 email could not be sent" in done.content.decode()
    failed.refresh_from_db()
    assert failed.status == Status.FAILED
    assert "Connection refused" in failed.last_error


def test_the_delivery_backend_is_the_real_one_and_email_goes_through_the_outbox(settings):
    assert settings.EMAIL_BACKEND == "citizenleaders.outbox.OutboxBackend"
    assert isinstance(get_connection(), outbox.OutboxBackend)
    assert settings.EMAIL_TIMEOUT == 10

"""The outbox: every email the portal sends is recorded, then delivered.

A foundation piece like ``roles`` and ``mail``: it imports no app.

``record`` keeps an email as an ``OutboundEmail`` row in the transaction of the
change that caused it, so a rolled-back change leaves no email and a committed
one always leaves its email recorded. Once that transaction commits, the email
is sent once with the real backend (``OUTBOX_DELIVERY_BACKEND``, from
``EMAIL_URL``). A failure is written on the row with a time for the next try
and never reaches the person whose action caused it: ``manage.py
send_queued_emails`` tries again, up to ``OUTBOX_MAX_ATTEMPTS`` times.

Everything goes through here: the portal's own emails (``mail.send_email``),
django-allauth's (its adapter) and anything else that uses Django's mail
functions, because ``EMAIL_BACKEND`` is ``OutboxBackend``, which records
instead of sending.

Two processes never send the same email: each claims an email first, with
an update that only one of them can win, and holds the claim (status
"sending", and a ``next_attempt_at`` a while ahead) while it sends. A
process that dies part-way leaves the claim to run out, and the email is
tried again.
"""

import logging
import re
import smtplib
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from citizenleaders.models import OutboundEmail

logger = logging.getLogger(__name__)

Status = OutboundEmail.Status

# How long a process may take to send an email it has claimed before
# another may try: far longer than EMAIL_TIMEOUT.
CLAIM = timedelta(minutes=10)
# After a failure, the portal waits 5 minutes, then twice as long each time,
# up to 6 hours (ten tries span about a day).
FIRST_WAIT = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=6)
# After a failure to send straight away, the process leaves new emails for
# the retry command for this long, so a mail server that is down costs one
# person one timeout rather than every email of a request a timeout each.
PAUSE_AFTER_FAILURE = 60  # seconds
ERROR_LENGTH = OutboundEmail._meta.get_field("last_error").max_length

_paused_until = 0.0


def record(message, *, template: str = "") -> OutboundEmail:
    """Keep ``message`` (a Django ``EmailMessage``) in the outbox, and send
    it once the current transaction commits (at once outside one)."""
    email = OutboundEmail.objects.create(
        recipients=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        from_email=(message.from_email or settings.DEFAULT_FROM_EMAIL)[:320],
        subject=str(message.subject)[:998],
        body=str(message.body),
        html_body=_html_of(message),
        headers={str(key): str(value) for key, value in message.extra_headers.items()},
        template=template[:100],
    )
    if message.attachments:
        # The portal sends none; say so rather than lose them unnoticed.
        logger.warning("Email %s had attachments, which the outbox does not keep", email.pk)
    transaction.on_commit(lambda: _send_after_commit(email.pk), robust=True)
    return email


def _html_of(message) -> str:
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            return str(content)
    return ""


class OutboxBackend(BaseEmailBackend):
    """The ``EMAIL_BACKEND``: records every message in the outbox (which
    sends it after the transaction commits) instead of sending it now."""

    def send_messages(self, email_messages):
        for message in email_messages:
            record(message, template=getattr(message, "outbox_template", ""))
        return len(email_messages)


def _send_after_commit(pk: int) -> None:
    if time.monotonic() < _paused_until:
        return  # left queued for send_queued_emails
    try:
        _deliver(_claim(OutboundEmail.objects.filter(pk=pk).due()))
    except Exception:  # noqa: BLE001 - the person's action has committed: never undo it
        logger.exception("Could not send email %s from the outbox", pk)


def pause_delivery(seconds: float = PAUSE_AFTER_FAILURE) -> None:
    global _paused_until
    _paused_until = time.monotonic() + seconds


def resume_delivery() -> None:
    """Send new emails straight away again (after a pause for a failure)."""
    global _paused_until
    _paused_until = 0.0


def send_due(*, limit: int = 200, now=None) -> dict[str, int]:
    """Send the emails that are due (``manage.py send_queued_emails``):
    new ones not yet sent, and failures whose wait is over. Returns how many
    were sent, failed (to be tried again) and given up."""
    with transaction.atomic():
        # On PostgreSQL, two runs at once each skip the rows the other has
        # locked; on SQLite the write lock taken at the start of the
        # transaction makes them wait their turn. The claim makes sure.
        due = (
            OutboundEmail.objects.due(now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        emails = _claim(OutboundEmail.objects.filter(pk__in=list(due)).due(now), now=now)
    return _results(emails, _deliver(emails))


def send_now(queryset) -> dict[str, int]:
    """Send these emails now, whatever their wait or tries (a coordinator's
    "Send again now"). Emails already sent, or being sent by another process,
    are left alone."""
    now = timezone.now()
    emails = _claim(
        queryset.filter(status__in=[Status.QUEUED, Status.FAILED])
        | queryset.filter(status=Status.SENDING, next_attempt_at__lte=now),
        now=now,
    )
    return _results(emails, _deliver(emails))


def _results(emails, failures) -> dict[str, int]:
    given_up = sum(1 for email in emails if email.pk in failures and email.is_given_up)
    return {
        "sent": len(emails) - len(failures),
        "failed": len(failures) - given_up,
        "given_up": given_up,
    }


def _claim(queryset, *, now=None) -> list[OutboundEmail]:
    """Mark the emails in ``queryset`` as being sent by this process and
    return them: only one process can claim an email, however many try."""
    now = now or timezone.now()
    claimed = []
    for pk in queryset.values_list("pk", flat=True):
        # The same conditions again in the update: of two processes that
        # both read the email as due, only one updates it.
        won = (
            queryset.filter(pk=pk).update(
                status=Status.SENDING,
                attempts=F("attempts") + 1,
                next_attempt_at=now + CLAIM,
                updated_at=now,
            )
            == 1
        )
        if won:
            claimed.append(pk)
    return list(OutboundEmail.objects.filter(pk__in=claimed).order_by("pk"))


def _deliver(emails: list[OutboundEmail]) -> dict[int, str]:
    """Send claimed emails over one connection to the real backend, and
    record each result. Returns the errors of those that failed, by id.

    When the mail server cannot be reached, the rest are not tried (each
    would wait for the timeout): they fail with the same error, and new
    emails wait for the retry command for a while."""
    if not emails:
        return {}
    failures = {}
    connection = get_connection(settings.OUTBOX_DELIVERY_BACKEND, fail_silently=False)
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 - recorded on each email
        pause_delivery()
        for email in emails:
            failures[email.pk] = _failed(email, error)
        return failures
    try:
        for position, email in enumerate(emails):
            try:
                if connection.send_messages([_message(email, connection)]) != 1:
                    raise RuntimeError("The mail server did not take the email")
            except Exception as error:  # noqa: BLE001 - recorded on the email
                failures[email.pk] = _failed(email, error)
                if _unreachable(error):
                    pause_delivery()
                    for other in emails[position + 1 :]:
                        failures[other.pk] = _failed(other, error)
                    break
                _close(connection)  # the next send opens a fresh connection
            else:
                _sent(email)
    finally:
        _close(connection)
    return failures


def _unreachable(error: Exception) -> bool:
    """Whether ``error`` says the mail server cannot be reached at all
    (rather than that it refused this one email)."""
    return isinstance(
        error, TimeoutError | ConnectionError | socket.gaierror | smtplib.SMTPServerDisconnected
    )


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a connection that will not close is gone anyway
        logger.warning("Could not close the mail connection", exc_info=True)


def _message(email: OutboundEmail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=email.recipients,
        cc=email.cc,
        bcc=email.bcc,
        reply_to=email.reply_to,
        headers=email.headers,
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def _sent(email: OutboundEmail) -> None:
    now = timezone.now()
    email.status, email.sent_at, email.next_attempt_at, email.last_error = (
        Status.SENT,
        now,
        None,
        "",
    )
    OutboundEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
        status=email.status,
        sent_at=now,
        next_attempt_at=None,
        last_error="",
        updated_at=now,
    )


def _failed(email: OutboundEmail, error: Exception) -> str:
    now = timezone.now()
    message = f"{type(error).__name__}: {error}".strip()[:ERROR_LENGTH]
    if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        next_attempt_at = None  # given up; a coordinator may still send it again
    else:
        wait = min(FIRST_WAIT * 2 ** (email.attempts - 1), LONGEST_WAIT)
        next_attempt_at = now + wait
    email.status, email.last_error, email.next_attempt_at = Status.FAILED, message, next_attempt_at
    OutboundEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
        status=Status.FAILED,
        last_error=message,
        next_attempt_at=next_attempt_at,
        updated_at=now,
    )
    logger.warning(
        "Could not send email %s (try %s): %s", email.pk, email.attempts, message, exc_info=error
    )
    return message


def delete_old(*, now=None) -> int:
    """Delete emails sent, or given up, more than ``OUTBOX_RETENTION_DAYS``
    ago: they carry people's names and details. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    sent = OutboundEmail.objects.filter(status=Status.SENT, sent_at__lt=cutoff)
    given_up = OutboundEmail.objects.filter(
        status=Status.FAILED, next_attempt_at__isnull=True, updated_at__lt=cutoff
    )
    return sent.delete()[0] + given_up.delete()[0]


def forget(*, addresses, names=()) -> int:
    """Erase a person from the outbox: delete every email to any of their
    ``addresses`` (it carries their name and details), and take their full
    ``names`` out of emails about them to others (an organiser's list of who
    is coming). Returns how many emails were deleted.

    Only names of two words or more are taken out, as whole words: a first
    name alone ("Sam") would also match other people and ordinary words."""
    addresses = {address.strip().lower() for address in addresses if address and address.strip()}
    deleted = []
    for address in addresses:
        # ``recipients__contains`` is PostgreSQL-only for JSON; a text match
        # finds candidates on both databases, checked exactly below.
        candidates = (
            OutboundEmail.objects.filter(recipients__icontains=address)
            | OutboundEmail.objects.filter(cc__icontains=address)
            | OutboundEmail.objects.filter(bcc__icontains=address)
        )
        for email in candidates:
            to = {value.lower() for value in [*email.recipients, *email.cc, *email.bcc]}
            if address in to:
                deleted.append(email.pk)
    count = OutboundEmail.objects.filter(pk__in=deleted).delete()[0]
    for name in {" ".join(name.split()) for name in names if name and len(name.split()) >= 2}:
        pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, name.split())) + r"\b", re.I)
        first, last = name.split()[0], name.split()[-1]
        mentions = Q()
        for field in ("subject", "body", "html_body"):
            mentions |= Q(**{f"{field}__icontains": first}) & Q(**{f"{field}__icontains": last})
        for email in OutboundEmail.objects.filter(mentions):
            scrubbed = {
                field: pattern.sub(ERASED, getattr(email, field))
                for field in ("subject", "body", "html_body")
            }
            if any(scrubbed[field] != getattr(email, field) for field in scrubbed):
                OutboundEmail.objects.filter(pk=email.pk).update(**scrubbed)
    return count


ERASED = "[name removed]"

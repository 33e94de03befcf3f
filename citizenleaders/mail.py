"""The portal's own emails (allauth sends the account ones).

A foundation piece like ``roles``: it imports no app, so the apps may use it.

Each email is two templates, ``templates/emails/<name>_subject.txt`` and
``<name>_body.txt``. It is sent once the transaction that caused it commits,
so a rolled-back action sends nothing; a failure to send is logged and never
undoes or interrupts what the person did. (Issue 7 adds an outbox that keeps
and retries failed emails.)
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A full address for a path on this site, for a link in an email."""
    return f"{settings.SITE_URL}{path}"


def render_email(name: str, context: dict) -> tuple[str, str]:
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "support_email": settings.SUPPORT_EMAIL,
        **context,
    }
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    body = render_to_string(f"emails/{name}_body.txt", context)
    return subject, body


def send_email(*, to: str | list[str], name: str, context: dict) -> None:
    """Send the email ``name`` to ``to`` after the current transaction commits."""
    recipients = [to] if isinstance(to, str) else list(to)
    subject, body = render_email(name, context)

    def send():
        try:
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
        except Exception:  # noqa: BLE001 - any failure to send must not reach the person
            logger.exception("Could not send the %r email to %s", name, ", ".join(recipients))

    transaction.on_commit(send)

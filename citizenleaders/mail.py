"""The portal's own emails (allauth sends the account ones).

A foundation piece like ``roles``: it imports no app, so the apps may use it.

Each email is two templates, ``templates/emails/<name>_subject.txt`` and
``<name>_body.txt``. It is recorded in the outbox (``citizenleaders.outbox``)
in the transaction of the change that caused it, and sent once that commits:
a rolled-back action sends nothing, and a failure to send is kept and tried
again, never undoing or interrupting what the person did.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from citizenleaders import outbox


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
    """Record the email ``name`` to ``to`` in the outbox, to be sent after the
    current transaction commits."""
    recipients = [to] if isinstance(to, str) else list(to)
    subject, body = render_email(name, context)
    outbox.record(
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients), template=name
    )

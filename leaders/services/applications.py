"""Applying to become a Citizen Leader: starting, saving, sending and
withdrawing an application.

A person has at most one open application; the database guarantees it with
the ``one_open_application_per_user`` constraint, and these functions lean on
it rather than on checks that two requests could both pass. Each write locks
the application's row, so a double click, a second tab or the back button can
change or send an application only once.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from citizenleaders.mail import send_email
from leaders.application_sections import incomplete_sections
from leaders.models import Application, ApplicationEvent

SENT_STATUSES = [
    Application.Status.SUBMITTED,
    Application.Status.UNDER_REVIEW,
    Application.Status.INTERVIEW,
]


def application_get_open(*, user) -> Application | None:
    """The person's open application (a draft or one being considered), if any."""
    return user.applications.filter(status__in=Application.OPEN_STATUSES).first()


def application_get_latest(*, user) -> Application | None:
    """The open application, or else the person's most recent one."""
    return application_get_open(user=user) or user.applications.order_by("-created_at").first()


def application_start(*, user) -> Application:
    """The person's open application, starting a draft if they have none.

    Two requests at the same moment (two tabs, a double click) may both find
    nothing and both try to insert; the database lets one through and the
    other gets the application that one made.
    """
    existing = application_get_open(user=user)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Application.objects.create(user=user)
    except IntegrityError:
        return user.applications.get(status__in=Application.OPEN_STATUSES)


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


@transaction.atomic
def application_save_section(*, user, answers: dict[str, Any]) -> Application:
    """Store one page's answers on the person's draft, starting it if needed.

    ``answers`` maps Application field names to values, as a section form's
    ``answers()`` gives them. An application that has been sent cannot be
    changed here.
    """
    application = _lock(application_start(user=user))
    if application.status != Application.Status.DRAFT:
        raise ValidationError(
            "You have already sent your application, so you cannot change it here",
            code="not_draft",
        )
    many_to_many = {}
    for name, value in answers.items():
        if Application._meta.get_field(name).many_to_many:
            many_to_many[name] = value
        else:
            setattr(application, name, value)
    application.full_clean()
    application.save()
    for name, value in many_to_many.items():
        getattr(application, name).set(value)
    return application


@transaction.atomic
def application_submit(*, application: Application) -> Application:
    """Send a complete draft to the coordinators, once.

    An application that has already been sent is returned unchanged, so a
    second press of the button (or the back button) does nothing. The
    applicant is emailed their reference once the sending is committed.
    """
    application = _lock(application)
    if application.status != Application.Status.DRAFT:
        return application
    missing = incomplete_sections(application)
    if missing:
        raise ValidationError(
            "Complete every section before you send your application",
            code="incomplete",
            params={"sections": [section.title for section in missing]},
        )
    application.status = Application.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.full_clean()
    application.save()
    ApplicationEvent.objects.create(
        application=application, status=application.status, by=application.user
    )
    send_email(
        to=application.user.email,
        name="application_submitted",
        context=_email_context(application),
    )
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by, reason: str = "") -> Application:
    """Withdraw an application that has been sent and is still being
    considered, and tell the applicant.

    A draft has not been sent, so there is nothing to withdraw: the person can
    simply leave it (the model requires a sent date on every other status).
    """
    application = _lock(application)
    if application.status not in SENT_STATUSES:
        raise ValidationError(
            "This application is not being considered, so it cannot be withdrawn",
            code="not_open",
        )
    now = timezone.now()
    application.status = Application.Status.WITHDRAWN
    # Closed now: the retention period for withdrawn applications counts from here.
    application.decided_at = now
    application.full_clean()
    application.save()
    ApplicationEvent.objects.create(
        application=application, status=application.status, by=by, at=now, note=reason
    )
    send_email(
        to=application.user.email,
        name="application_withdrawn",
        context=_email_context(application),
    )
    return application


def _email_context(application: Application) -> dict:
    return {
        "application": application,
        "reference": application.reference,
        "name": application.preferred_name or application.full_name or application.user.full_name,
    }

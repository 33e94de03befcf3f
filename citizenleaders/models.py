"""The portal's own models: the user (email is the login), staff roles, and a
timestamped base that every app's models share.

Nothing here imports from ``ulos``, ``leaders`` or ``events``: foreign keys to
them are written as strings, so the apps may build on this module without a
circular import.
"""

import secrets
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)

    class Meta:
        abstract = True


class ChoiceItem(models.Model):
    """One of a list of options that coordinators can add to and reorder,
    such as a service a ULO offers or a skill a leader brings."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class DataVersion(models.Model):
    """A random value that the database itself renews whenever a set of
    tables changes (triggers made by migrations, such as the directory's in
    ``leaders/migrations/0008``), so that every app instance knows at once
    that what it keeps from those tables is out of date. Read by
    ``citizenleaders.versioned_cache.VersionedCache(versions="database")``.

    Triggers catch every write, ``QuerySet.update()``, bulk inserts and raw
    SQL included, which signals would miss."""

    name = models.CharField(max_length=100, primary_key=True)
    version = models.CharField(max_length=64)

    def __str__(self):
        return f"{self.name}: {self.version}"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Email address is the login.

    What a person may do comes from data, not flags on this model: a
    ``StaffRole`` for coordinators and council staff, an application or a
    leader profile for everyone else (see ``citizenleaders.roles``).
    """

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField("full name", max_length=200, blank=True)
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Untick instead of deleting an account, to stop the person logging in.",
    )
    date_joined = models.DateTimeField("date joined", default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "user"
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]
        # Back-office lists of people (leaders, bookings) sort by name, then email.
        indexes = [models.Index(fields=["full_name", "email"], name="user_name_order")]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_staff(self):
        """Whether the person may enter the back office (the Django admin)."""
        from citizenleaders import roles

        return roles.may_use_back_office(self)


class StaffRole(TimeStampedModel):
    """A staff role granted to one person by a coordinator; never self-service.

    A national coordinator sees everything; a regional coordinator sees one
    region; council staff act for one council.
    """

    class Kind(models.TextChoices):
        NATIONAL_COORDINATOR = "national_coordinator", "National coordinator"
        REGIONAL_COORDINATOR = "regional_coordinator", "Regional coordinator"
        COUNCIL_STAFF = "council_staff", "Council staff"

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="staff_role", verbose_name="person"
    )
    kind = models.CharField("role", max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        "ulos.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Required for a regional coordinator.",
    )
    local_authority = models.ForeignKey(
        "ulos.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="council",
        help_text="Required for council staff.",
    )
    admin_access = models.BooleanField(
        "may use the back office",
        default=False,
        help_text="Council staff only: read-only access to their own council's records "
        "in the back office.",
    )
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "staff role"
        ordering = ["kind", "user__email"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="national_coordinator",
                        region__isnull=True,
                        local_authority__isnull=True,
                    )
                    | models.Q(
                        kind="regional_coordinator",
                        region__isnull=False,
                        local_authority__isnull=True,
                    )
                    | models.Q(
                        kind="council_staff",
                        region__isnull=True,
                        local_authority__isnull=False,
                    )
                ),
                name="staff_role_scope_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(admin_access=False) | models.Q(kind="council_staff"),
                name="staff_role_admin_access_only_for_council_staff",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}{self.scope_label and f' ({self.scope_label})'}"

    @property
    def scope_label(self):
        if self.kind == self.Kind.REGIONAL_COORDINATOR and self.region_id:
            return str(self.region)
        if self.kind == self.Kind.COUNCIL_STAFF and self.local_authority_id:
            return str(self.local_authority)
        return ""

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.REGIONAL_COORDINATOR and not self.region_id:
            errors["region"] = "Choose the region this coordinator looks after."
        if self.kind == self.Kind.COUNCIL_STAFF and not self.local_authority_id:
            errors["local_authority"] = "Choose the council this person works for."
        if self.kind != self.Kind.REGIONAL_COORDINATOR and self.region_id:
            errors["region"] = "Only a regional coordinator has a region. Clear this field."
        if self.kind != self.Kind.COUNCIL_STAFF and self.local_authority_id:
            errors["local_authority"] = "Only council staff have a council. Clear this field."
        if self.admin_access and self.kind != self.Kind.COUNCIL_STAFF:
            errors["admin_access"] = (
                "Coordinators always use the back office. Untick this for anyone but council staff."
            )
        if errors:
            raise ValidationError(errors)


INVITATION_LIFETIME = timedelta(days=14)


def new_invitation_token():
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + INVITATION_LIFETIME


class StaffInvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Not yet taken up, not withdrawn and not expired."""
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now)


class StaffInvitation(TimeStampedModel):
    """An invitation, by email address, to act as council staff for one council.

    The role is granted once the invited address is verified on an account,
    so only the person who can read that mailbox gets it.
    """

    email = models.EmailField("email address")
    local_authority = models.ForeignKey(
        "ulos.LocalAuthority",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="council",
    )
    admin_access = models.BooleanField(
        "may use the back office",
        default=False,
        help_text="Read-only access to their own council's records in the back office.",
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_invitation_token, editable=False
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    expires_at = models.DateTimeField("expires", default=invitation_expiry)
    accepted_at = models.DateTimeField("accepted", null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="accepted by",
    )
    withdrawn_at = models.DateTimeField("withdrawn", null=True, blank=True, editable=False)

    objects = StaffInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "staff invitation"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="one_open_staff_invitation_per_email",
                violation_error_message="This address already has an invitation waiting.",
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.local_authority})"

    def get_absolute_url(self):
        """The page the invitation's link opens."""
        return reverse("staff_invitation", kwargs={"token": self.token})

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_open(self):
        """Neither taken up nor withdrawn (it may have expired, and be sent again)."""
        return self.accepted_at is None and self.withdrawn_at is None

    @property
    def is_pending(self):
        """Waiting to be taken up: the link works."""
        return self.is_open and not self.is_expired

    def clean(self):
        super().clean()
        self.email = User.objects.normalize_email(self.email).lower()

    @property
    def status_label(self):
        if self.accepted_at:
            return "Accepted"
        if self.withdrawn_at:
            return "Withdrawn"
        if self.is_expired:
            return "Expired"
        return "Waiting"


class OutboundEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Waiting to be sent, and their time has come: new emails, failures
        whose wait before the next try is over, and emails whose sending
        stopped part-way (the process ended) once their claim has run out."""
        now = now or timezone.now()
        return self.filter(
            status__in=[
                OutboundEmail.Status.QUEUED,
                OutboundEmail.Status.SENDING,
                OutboundEmail.Status.FAILED,
            ],
            next_attempt_at__lte=now,
        )


class OutboundEmail(TimeStampedModel):
    """One email the portal sent or tried to send: the outbox.

    Recorded in the transaction of the change that caused it, so a
    rolled-back change leaves no email and a committed one always leaves its
    email here. ``citizenleaders.outbox`` delivers it once that commits and
    ``manage.py send_queued_emails`` tries again after a failure.

    ``next_attempt_at`` says when it is next due: now for a new email, later
    after a failure, the end of the claim while one process is sending it,
    and empty once it is sent or given up.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipients = models.JSONField("to", default=list)
    cc = models.JSONField("copy to", default=list, blank=True)
    bcc = models.JSONField("blind copy to", default=list, blank=True)
    reply_to = models.JSONField("reply to", default=list, blank=True)
    from_email = models.CharField("from", max_length=320)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html_body = models.TextField("HTML body", blank=True)
    headers = models.JSONField("extra headers", default=dict, blank=True)
    template = models.CharField(
        "email",
        max_length=100,
        blank=True,
        help_text="Which of the portal's emails this is (its template), for filtering.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("tries", default=0)
    last_error = models.CharField("last error", max_length=500, blank=True)
    sent_at = models.DateTimeField("sent", null=True, blank=True)
    next_attempt_at = models.DateTimeField("next try", null=True, blank=True, default=timezone.now)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = "email"
        verbose_name_plural = "outbox"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "sent_at"], name="outbox_sent"),
            models.Index(fields=["created_at"], name="outbox_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outbound_email_sent_has_sent_at",
            ),
        ]

    def __str__(self):
        return f"“{self.subject}” to {self.to_display}"

    @property
    def to_display(self):
        return ", ".join(self.recipients)

    @property
    def is_given_up(self):
        return self.status == self.Status.FAILED and self.next_attempt_at is None

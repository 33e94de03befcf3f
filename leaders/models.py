"""The Citizen Leader journey. This issue lays down the two records that give a
person the applicant and leader roles; the application questions, training,
activities and stories are built on them in a later issue."""

from django.conf import settings
from django.db import models

from citizenleaders.models import TimeStampedModel


class Application(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        INTERVIEW = "interview", "Invited to interview"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATUSES = [Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.INTERVIEW]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name="applicant",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    local_authority = models.ForeignKey(
        "ulos.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name="council area",
    )
    submitted_at = models.DateTimeField("submitted", null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["draft", "submitted", "under_review", "interview"]),
                name="one_open_application_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="application_submitted_has_date",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        return f"CL-{self.pk:06d}" if self.pk else "CL-(not saved)"


class Leader(TimeStampedModel):
    class Status(models.TextChoices):
        IN_TRAINING = "in_training", "In training"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        LEFT = "left", "Left"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="leader",
        verbose_name="person",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_TRAINING)
    local_authority = models.ForeignKey(
        "ulos.LocalAuthority",
        on_delete=models.PROTECT,
        related_name="leaders",
        verbose_name="council area",
    )

    class Meta:
        ordering = ["user__full_name", "user__email"]

    def __str__(self):
        return self.user.get_full_name()

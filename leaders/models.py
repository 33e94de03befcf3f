"""The Citizen Leader journey: an application, the leader's profile, training,
the activity log and stories."""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Lower, NullIf
from django.urls import reverse
from django.utils import timezone

from citizenleaders import roles
from citizenleaders.history import audit_history
from citizenleaders.models import ChoiceItem, TimeStampedModel


class Interest(ChoiceItem):
    """Something a leader would like to do, such as sharing their story."""


class Skill(ChoiceItem):
    """A skill a leader brings, such as public speaking. Coordinators can add more."""


class Travel(models.TextChoices):
    NONE = "none", "I cannot travel"
    LOCAL = "local", "Within my council area"
    REGION = "region", "Within my region"
    ANYWHERE = "anywhere", "Anywhere in England"


DAYS = [
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
    ("saturday", "Saturday"),
    ("sunday", "Sunday"),
]
FORMATS = [
    ("easy_read", "Easy Read"),
    ("large_print", "Large print"),
    ("bsl", "British Sign Language (BSL)"),
    ("audio", "Audio"),
]
CONTACT_METHODS = [
    ("email", "Email"),
    ("phone", "Phone call"),
    ("text", "Text message"),
    ("post", "Post"),
]


class Participation(models.Model):
    """What a person would like to do and when and how they can take part,
    asked in the application and kept up to date in the leader's profile."""

    interests = models.ManyToManyField(
        Interest, blank=True, related_name="%(class)ss", verbose_name="would like to do"
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="%(class)ss")
    other_skills = models.TextField("other skills", blank=True)
    days = models.JSONField("days available", default=list, blank=True)
    available_daytime = models.BooleanField("daytime", default=False)
    available_evenings = models.BooleanField("evenings", default=False)
    available_online = models.BooleanField("online", default=False)
    available_in_person = models.BooleanField("in person", default=False)
    travel = models.CharField(
        "how far they can travel", max_length=20, choices=Travel.choices, blank=True
    )
    # Private: never shown to council staff or in the directory.
    access_needs = models.TextField("access needs", blank=True)
    formats = models.JSONField("formats", default=list, blank=True)
    contact_methods = models.JSONField("how to contact them", default=list, blank=True)

    class Meta:
        abstract = True

    def day_labels(self):
        return [label for value, label in DAYS if value in self.days]

    def format_labels(self):
        return [label for value, label in FORMATS if value in self.formats]

    def contact_method_labels(self):
        return [label for value, label in CONTACT_METHODS if value in self.contact_methods]


class Application(Participation, TimeStampedModel):
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

    # About you
    full_name = models.CharField("full name", max_length=200, blank=True)
    preferred_name = models.CharField("name to use", max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Connection to adult social care: at least one
    is_disabled_person = models.BooleanField("disabled person", default=False)
    is_older_person = models.BooleanField("older person", default=False)
    is_carer = models.BooleanField("carer", default=False)
    is_family_or_friend = models.BooleanField(
        "family member or friend of someone who uses adult social care", default=False
    )
    support_experience = models.TextField("experience of self-directed support", blank=True)
    # Where you live
    local_authority = models.ForeignKey(
        "ulos.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name="council area",
    )
    # Consent
    consented_at = models.DateTimeField("agreed to how data is used", null=True, blank=True)

    submitted_at = models.DateTimeField("submitted", null=True, blank=True)
    interview_at = models.DateTimeField("interview", null=True, blank=True)
    decline_reason = models.TextField(
        "reason for declining", blank=True, help_text="Sent to the applicant: write it kindly."
    )
    notes = models.TextField("internal notes", blank=True, help_text="Only coordinators see these.")
    decided_at = models.DateTimeField("decided", null=True, blank=True)

    # A deleted application (a draft when its account closes, or one past the
    # retention period) takes its history with it.
    history = audit_history(cascade_delete_history=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["draft", "submitted", "under_review", "interview"]),
                name="one_open_application_per_user",
                violation_error_message="This person already has an open application.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="application_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="interview") | Q(interview_at__isnull=False),
                name="application_interview_has_date",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        return f"CL-{self.pk:06d}" if self.pk else "CL-(not saved)"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def connection_labels(self):
        return [
            self._meta.get_field(name).verbose_name
            for name in ("is_disabled_person", "is_older_person", "is_carer", "is_family_or_friend")
            if getattr(self, name)
        ]


class ApplicationEvent(models.Model):
    """A change to an application: who made it, when, and what it became."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=Application.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="changed by",
    )
    at = models.DateTimeField("when", default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.application}: {self.get_status_display()} ({self.at:%d %b %Y %H:%M})"


class LeaderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The leaders a coordinator may see in the back office: by region."""
        return roles.filter_by_region(self, user, "local_authority__region")

    def in_directory(self):
        """Active leaders who chose to appear in the directory for council staff."""
        return self.filter(status=Leader.Status.ACTIVE, in_directory=True, user__is_active=True)

    def refresh_names(self) -> int:
        """Store each leader's ``sort_name`` and ``search_names`` from their
        account's full name and the name they use: the one definition of both.
        Called as a leader is saved and their account's name changes, and
        after bulk inserts, which bypass ``save()``."""
        from citizenleaders.models import User

        full_name = Subquery(User.objects.filter(pk=OuterRef("user_id")).values("full_name")[:1])
        return self.update(
            sort_name=Lower(Coalesce(NullIf("preferred_name", Value("")), full_name)),
            search_names=Concat(full_name, Value(" "), "preferred_name"),
        )


class Leader(Participation, TimeStampedModel):
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
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leader",
        verbose_name="from application",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_TRAINING)
    local_authority = models.ForeignKey(
        "ulos.LocalAuthority",
        on_delete=models.PROTECT,
        related_name="leaders",
        verbose_name="council area",
    )
    preferred_name = models.CharField("name to use", max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    bio = models.TextField("short bio", blank=True)
    in_directory = models.BooleanField("appears in the directory for council staff", default=False)
    directory_shows_email = models.BooleanField("directory shows their email", default=False)
    accepted_at = models.DateTimeField("accepted", null=True, blank=True)
    activated_at = models.DateTimeField("became active", null=True, blank=True)
    status_changed_at = models.DateTimeField("status last changed", null=True, blank=True)
    # Copies of the names, so the directory sorts and searches leaders without
    # joining every account first (see LeaderQuerySet.refresh_names). On
    # PostgreSQL, search_names and bio have a full-text index, made by
    # migration 0007 to match leaders.filters.search_leaders.
    sort_name = models.CharField(max_length=200, blank=True, editable=False)
    search_names = models.CharField(max_length=301, blank=True, editable=False)

    objects = LeaderQuerySet.as_manager()
    history = audit_history(excluded_fields=["updated_at", "sort_name", "search_names"])

    class Meta:
        ordering = ["user__full_name", "user__email"]
        indexes = [
            models.Index(
                fields=["sort_name", "id"],
                condition=Q(in_directory=True, status="active"),
                name="leader_directory_order",
            )
        ]

    def __str__(self):
        return self.user.get_full_name()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"preferred_name", "user"} & set(update_fields):
            Leader.objects.filter(pk=self.pk).refresh_names()

    @property
    def display_name(self):
        return self.preferred_name or self.user.full_name


class Module(models.Model):
    """A part of the training curriculum."""

    title = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    is_required = models.BooleanField("required", default=True)
    position = models.PositiveSmallIntegerField("order", default=0)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = "training module"

    def __str__(self):
        return self.title


class TrainingRecord(TimeStampedModel):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        BOOKED = "booked", "Booked"
        COMPLETED = "completed", "Completed"

    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="training")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="records")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    session_date = models.DateField("session date", null=True, blank=True)
    completed_on = models.DateField("completed on", null=True, blank=True)
    trainer = models.CharField(max_length=200, blank=True)

    history = audit_history()

    class Meta:
        ordering = ["module__position", "module__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "module"],
                name="one_training_record_per_module",
                violation_error_message="This leader already has a record for this module.",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="completed_training_has_date",
                violation_error_message="Enter the date the module was completed.",
            ),
        ]

    def __str__(self):
        return f"{self.leader}: {self.module} ({self.get_status_display().lower()})"


class Activity(TimeStampedModel):
    class Kind(models.TextChoices):
        STORY = "story", "Shared my story"
        STAFF_TRAINING = "staff_training", "Delivered training to council staff"
        CITIZEN_TRAINING = "citizen_training", "Delivered training to citizens"
        PEER_SUPPORT = "peer_support", "Gave peer support"
        LOCAL_MEETING = "local_meeting", "Attended a local meeting"
        REGIONAL_MEETING = "regional_meeting", "Attended a regional meeting"
        EVENT_PLANNING = "event_planning", "Helped plan an event"
        EVENT_SPEAKING = "event_speaking", "Spoke at an event"
        OTHER = "other", "Other"

    MEETINGS = [Kind.LOCAL_MEETING, Kind.REGIONAL_MEETING]

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be checked"
        VERIFIED = "verified", "Verified"
        QUERIED = "queried", "Queried"

    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField("what they did", max_length=30, choices=Kind.choices)
    date = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    local_authority = models.ForeignKey(
        "ulos.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="council involved",
    )
    organisation = models.CharField("other organisation", max_length=200, blank=True)
    people_reached = models.PositiveIntegerField("people reached", null=True, blank=True)
    description = models.TextField(blank=True)
    challenge = models.TextField("challenge raised", blank=True)
    council_response = models.TextField("the council's response", blank=True)
    change = models.TextField("what changed", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="checked by",
    )
    checked_at = models.DateTimeField("checked", null=True, blank=True)
    query = models.TextField("question for the leader", blank=True)

    history = audit_history()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24),
                name="activity_hours_between_0_and_24",
                violation_error_message="Hours must be more than 0 and at most 24.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.date:%d %B %Y}"

    def get_absolute_url(self):
        return reverse("leaders:activity_edit", kwargs={"pk": self.pk})

    @property
    def is_editable(self):
        return self.status != self.Status.VERIFIED


class Story(TimeStampedModel):
    class NameShown(models.TextChoices):
        FULL = "full", "My full name"
        FIRST = "first", "My first name only"
        ANONYMOUS = "anonymous", "No name (anonymous)"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for approval"
        APPROVED = "approved", "Approved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="stories")
    title = models.CharField(max_length=200)
    body = models.TextField("story")
    name_shown = models.CharField(
        "how your name is shown", max_length=20, choices=NameShown.choices
    )
    on_website = models.BooleanField("may appear on the public website", default=False)
    in_training = models.BooleanField("may be used in training materials", default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="approved by",
    )
    approved_at = models.DateTimeField("approved", null=True, blank=True)

    class Meta:
        ordering = ["-approved_at", "-created_at"]
        verbose_name_plural = "stories"

    def __str__(self):
        return self.title

    ANONYMOUS_AUTHOR = "A Citizen Leader"

    @property
    def author_name(self):
        """The name shown with the story, as its author chose. Falls back to
        the anonymous name, never to the email address."""
        full_name = self.leader.user.full_name.strip()
        if self.name_shown == self.NameShown.ANONYMOUS or not full_name:
            return self.ANONYMOUS_AUTHOR
        if self.name_shown == self.NameShown.FIRST:
            return full_name.split()[0]
        return full_name


class InvolvementRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The requests a person may see: their own council's (council staff),
        their region's (regional coordinators) or all (national coordinators)."""
        return roles.filter_by_scope(
            self, user, region_field="local_authority__region", council_field="local_authority"
        )


class InvolvementRequest(TimeStampedModel):
    """A council's request for Citizen Leaders to take part in something,
    for particular leaders or for the skills wanted."""

    class Purpose(models.TextChoices):
        MEETING = "meeting", "A meeting"
        TEAM_TRAINING = "team_training", "Training a team"
        EVENT = "event", "An event"
        CONSULTATION = "consultation", "A consultation"
        INTERVIEW_PANEL = "interview_panel", "An interview panel"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MATCHED = "matched", "Matched"
        ACCEPTED = "accepted", "Accepted"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    LIVE_STATUSES = [Status.OPEN, Status.MATCHED, Status.ACCEPTED]

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="involvement_requests",
        verbose_name="asked by",
    )
    local_authority = models.ForeignKey(
        "ulos.LocalAuthority",
        on_delete=models.PROTECT,
        related_name="involvement_requests",
        verbose_name="council",
    )
    title = models.CharField("short title", max_length=200)
    purpose = models.CharField("what it is for", max_length=30, choices=Purpose.choices)
    purpose_other = models.CharField("what else", max_length=200, blank=True)
    date = models.DateField("date")
    start_time = models.TimeField("start time", null=True, blank=True)
    hours = models.DecimalField("how long (hours)", max_digits=4, decimal_places=2)
    online = models.BooleanField("online", default=False)
    location = models.CharField("where", max_length=300, blank=True)
    expenses_offered = models.BooleanField("travel and other expenses paid", default=False)
    payment_offered = models.BooleanField("payment for involvement offered", default=False)
    payment_details = models.CharField("what is offered", max_length=300, blank=True)
    description = models.TextField("what it involves")
    leaders = models.ManyToManyField(
        Leader, blank=True, related_name="requested_in", verbose_name="leaders asked for"
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="involvement_requests", verbose_name="skills wanted"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField("completed", null=True, blank=True)
    cancelled_at = models.DateTimeField("cancelled", null=True, blank=True)
    cancel_reason = models.TextField("why it was cancelled", blank=True)
    feedback = models.TextField("feedback from the council", blank=True)
    feedback_at = models.DateTimeField("feedback given", null=True, blank=True)

    objects = InvolvementRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "involvement request"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24),
                name="request_hours_between_0_and_24",
                violation_error_message="How long must be more than 0 and at most 24 hours.",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="completed_request_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="cancelled_request_has_date",
            ),
        ]
        indexes = [models.Index(fields=["local_authority", "status"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("requests:detail", kwargs={"pk": self.pk})

    @property
    def reference(self):
        return f"REQ-{self.pk:05d}" if self.pk else ""

    @property
    def purpose_label(self):
        if self.purpose == self.Purpose.OTHER and self.purpose_other:
            return self.purpose_other
        return self.get_purpose_display()

    @property
    def is_live(self):
        return self.status in self.LIVE_STATUSES


class InvolvementMatch(TimeStampedModel):
    """A leader a coordinator put forward for a request, and their answer."""

    class Status(models.TextChoices):
        OFFERED = "offered", "Waiting for the leader's answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    request = models.ForeignKey(
        InvolvementRequest, on_delete=models.CASCADE, related_name="matches"
    )
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="involvement_matches")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OFFERED)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="matched by",
    )
    responded_at = models.DateTimeField("answered", null=True, blank=True)
    decline_reason = models.TextField("why they declined", blank=True)
    activity = models.OneToOneField(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="involvement_match",
        verbose_name="activity logged",
    )

    class Meta:
        ordering = ["request", "pk"]
        verbose_name = "matched leader"
        constraints = [
            models.UniqueConstraint(
                fields=["request", "leader"],
                name="one_match_per_leader_per_request",
                violation_error_message="This leader is already matched to this request.",
            ),
        ]

    def __str__(self):
        return f"{self.leader} for {self.request}"

    def get_absolute_url(self):
        """The leader's own page for the offer."""
        return reverse("leaders:offer", kwargs={"pk": self.pk})

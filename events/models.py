"""Regional events: the events themselves, the bookings for them (with the
access requirements people tell the organisers about), the waiting list and
attendance, and the secret addresses of people's own calendar feeds.

Places are never overbooked. ``Event.places_taken`` counts the confirmed
bookings; a database constraint keeps it at or below the capacity, and the
services in ``events/services.py`` change it only while holding the event's
row lock, in the same transaction as the bookings themselves.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from citizenleaders import roles
from citizenleaders.history import audit_history
from citizenleaders.models import TimeStampedModel

ACCESS_FEATURES = [
    ("step_free", "Step-free access"),
    ("accessible_toilet", "Accessible toilet"),
    ("hearing_loop", "Hearing loop"),
    ("bsl", "British Sign Language (BSL) interpreter"),
    ("easy_read", "Easy Read materials"),
    ("quiet_room", "Quiet room"),
    ("parking", "Accessible parking"),
    ("free_assistant_place", "Free place for a personal assistant or support worker"),
]

ACCESS_REQUIREMENTS = [
    ("wheelchair", "Wheelchair access"),
    ("bsl", "British Sign Language (BSL) interpreter"),
    ("hearing_loop", "Hearing loop"),
    ("easy_read", "Easy Read materials"),
    ("large_print", "Large print"),
    ("quiet_space", "A quiet space"),
    ("breaks", "Regular breaks"),
    ("parking", "Accessible parking"),
]


class EventQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(end__gte=timezone.now())

    def past(self):
        return self.filter(end__lt=timezone.now())

    def listed(self):
        """Events on the public pages: published or cancelled, never drafts."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def visible_to(self, user):
        """The events a person may find and read about: published (or
        cancelled) events whose audience includes them. Coordinators see every
        audience; organisers always see their own events."""
        events = self.listed()
        if roles.is_coordinator(user):
            return events
        allowed = Q(audience=Event.Audience.PUBLIC)
        if getattr(user, "is_authenticated", False):
            allowed |= Q(organisers=user) | Q(co_organisers__user=user) | Q(invited=user)
            if roles.has_role(user, roles.Role.LEADER):
                allowed |= Q(audience=Event.Audience.LEADERS)
            if roles.is_council_staff(user):
                allowed |= Q(audience=Event.Audience.COUNCIL_STAFF)
            # Without distinct(), each matching organiser row would repeat the event.
            return events.filter(pk__in=self.filter(allowed).values("pk"))
        return events.filter(allowed)

    def managed_by(self, user):
        """The events a person sees in the back office: by region for
        coordinators, by host council for council staff."""
        return roles.filter_by_scope(
            self, user, region_field="region", council_field="host_council"
        )


class Event(TimeStampedModel):
    """A regional meeting, a training session, a peer support group or a
    conference, in person or online."""

    class Kind(models.TextChoices):
        REGIONAL_MEETING = "regional_meeting", "Regional meeting"
        STAFF_TRAINING = "staff_training", "Training for council staff"
        CITIZEN_TRAINING = "citizen_training", "Training for citizens"
        PEER_SUPPORT = "peer_support", "Peer support group"
        CONFERENCE = "conference", "Conference"
        PLANNING = "planning", "Planning meeting"

    class Audience(models.TextChoices):
        PUBLIC = "public", "Anyone"
        LEADERS = "leaders", "Citizen Leaders only"
        COUNCIL_STAFF = "council_staff", "Council staff"
        INVITED = "invited", "Invited people only"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        "address",
        max_length=220,
        unique=True,
        blank=True,
        help_text=(
            "Made from the date and title if left blank, such as 2027-03-leeds-regional-meeting."
        ),
    )
    kind = models.CharField("kind of event", max_length=30, choices=Kind.choices)
    audience = models.CharField("who it is for", max_length=20, choices=Audience.choices)
    summary = models.CharField(
        "summary", max_length=300, help_text="One or two sentences shown in the list of events."
    )
    description = models.TextField("what happens at the event", blank=True)
    region = models.ForeignKey("ulos.Region", on_delete=models.PROTECT, related_name="events")
    host_council = models.ForeignKey(
        "ulos.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name="host council",
    )
    host_ulo = models.ForeignKey(
        "ulos.Ulo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name="host ULO",
    )
    start = models.DateTimeField("starts")
    end = models.DateTimeField("ends")
    online = models.BooleanField("online", default=False)
    joining_link = models.URLField(
        "joining link",
        blank=True,
        help_text="Shown only to people with a confirmed place.",
    )
    venue_name = models.CharField("venue", max_length=200, blank=True)
    venue_address = models.TextField("address", blank=True)
    venue_postcode = models.CharField("postcode", max_length=10, blank=True)
    travel_directions = models.TextField("how to get there", blank=True)
    access_features = models.JSONField("accessibility", default=list, blank=True)
    access_notes = models.TextField("more about accessibility", blank=True)
    capacity = models.PositiveIntegerField(
        "places", null=True, blank=True, help_text="Leave blank if there is no limit."
    )
    places_taken = models.PositiveIntegerField("places taken", default=0, editable=False)
    booking_opens = models.DateTimeField("booking opens", null=True, blank=True)
    booking_closes = models.DateTimeField(
        "booking closes", null=True, blank=True, help_text="Leave blank to close when it starts."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    cancelled_at = models.DateTimeField("cancelled", null=True, blank=True)
    cancel_reason = models.TextField("why it was cancelled", blank=True)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organised_events",
        verbose_name="staff organisers",
    )
    co_organisers = models.ManyToManyField(
        "leaders.Leader",
        blank=True,
        related_name="co_organised_events",
        verbose_name="leaders helping to organise",
    )
    invited = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="event_invitations",
        verbose_name="invited people",
        help_text="For events for invited people only.",
    )
    organiser_summary_sent_at = models.DateTimeField(
        "access summary sent to organisers", null=True, blank=True, editable=False
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="event_ends_after_it_starts",
                violation_error_message="The end must be after the start.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(places_taken__lte=models.F("capacity")),
                name="event_never_overbooked",
                violation_error_message=(
                    "The number of places cannot be less than the places already taken."
                ),
            ),
            models.CheckConstraint(
                condition=Q(online=False) | ~Q(joining_link=""),
                name="online_event_has_joining_link",
                violation_error_message="Enter the joining link for an online event.",
            ),
            models.CheckConstraint(
                condition=Q(online=True) | ~Q(venue_name=""),
                name="in_person_event_has_venue",
                violation_error_message="Enter the venue for an event in person.",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="cancelled_event_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "start"]),
            models.Index(fields=["region", "start"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug()
        super().save(*args, **kwargs)

    def unique_slug(self):
        local_start = timezone.localtime(self.start) if self.start else timezone.localtime()
        base = slugify(f"{local_start:%Y-%m} {self.title}")[:200] or "event"
        slug, number = base, 2
        while Event.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, number = f"{base}-{number}", number + 1
        return slug

    @property
    def is_past(self):
        return self.end < timezone.now()

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def places_left(self):
        """Places still free, or ``None`` when there is no limit."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_taken, 0)

    @property
    def is_full(self):
        return self.capacity is not None and self.places_taken >= self.capacity

    @property
    def booking_closes_at(self):
        return self.booking_closes or self.start

    @property
    def booking_is_open(self):
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and (self.booking_opens is None or self.booking_opens <= now)
            and now < self.booking_closes_at
        )

    @property
    def booking_not_yet_open(self):
        return self.booking_opens is not None and timezone.now() < self.booking_opens

    def access_feature_labels(self):
        return [label for value, label in ACCESS_FEATURES if value in self.access_features]

    @property
    def place_summary(self):
        """Where it is, in a line: "Online" or the venue and postcode."""
        if self.online:
            return "Online"
        return ", ".join(part for part in (self.venue_name, self.venue_postcode) if part)

    @property
    def hours(self):
        # Datetimes sharing one time zone subtract as wall-clock times, so
        # a night across a clock change would be an hour out: count in UTC.
        end, start = self.end.astimezone(datetime.UTC), self.start.astimezone(datetime.UTC)
        return (end - start).total_seconds() / 3600


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING])

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self):
        """The waiting list, first come first served."""
        return self.filter(status=Registration.Status.WAITING).order_by("waiting_since", "pk")


class Registration(TimeStampedModel):
    """One person's booking for an event: a confirmed place or a place on
    the waiting list, with what they need to take part."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Place confirmed"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    class Attendance(models.TextChoices):
        UNKNOWN = "", "Not recorded"
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Did not attend"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name="person",
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    waiting_since = models.DateTimeField("joined the waiting list", null=True, blank=True)
    confirmed_at = models.DateTimeField("place confirmed", null=True, blank=True)
    cancelled_at = models.DateTimeField("cancelled", null=True, blank=True)
    # Private: shown only to the person, their coordinators and the event's organisers.
    access_requirements = models.JSONField("access requirements", default=list, blank=True)
    access_details = models.TextField("other access requirements", blank=True)
    bringing_assistant = models.BooleanField(
        "bringing a personal assistant or support worker", default=False
    )
    dietary_needs = models.TextField("dietary needs", blank=True)
    share_needs = models.BooleanField("agreed to share needs with the organisers", default=False)
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.UNKNOWN, blank=True
    )
    attendance_recorded_at = models.DateTimeField("attendance recorded", null=True, blank=True)
    activity = models.OneToOneField(
        "leaders.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registration",
        verbose_name="activity recorded",
    )
    reminder_sent_at = models.DateTimeField("reminder sent", null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["event", "created_at", "pk"]
        verbose_name = "booking"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                name="one_booking_per_person_per_event",
                violation_error_message="This person already has a booking for this event.",
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_since__isnull=False),
                name="waiting_booking_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="confirmed_booking_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waiting_since"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self):
        return f"{self.user.get_full_name()} for {self.event}"

    @property
    def is_confirmed(self):
        return self.status == self.Status.CONFIRMED

    @property
    def is_waiting(self):
        return self.status == self.Status.WAITING

    @property
    def is_active(self):
        return self.status in (self.Status.CONFIRMED, self.Status.WAITING)

    def access_requirement_labels(self):
        return [label for value, label in ACCESS_REQUIREMENTS if value in self.access_requirements]

    @property
    def has_needs(self):
        return bool(
            self.access_requirements
            or self.access_details
            or self.dietary_needs
            or self.bringing_assistant
        )


def new_calendar_token():
    return secrets.token_urlsafe(24)


class CalendarFeed(TimeStampedModel):
    """The secret address of a person's own calendar feed of their bookings.
    Renewing it makes the old address stop working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name="person",
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    class Meta:
        verbose_name = "calendar feed"

    def __str__(self):
        return f"Calendar feed for {self.user.get_full_name()}"

    def get_absolute_url(self):
        return reverse("events:private_feed", kwargs={"token": self.token})

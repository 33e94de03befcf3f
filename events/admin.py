"""The back office for regional events: organisers set events up, see who
is coming and what they need, mark who attended, email everyone booked and
cancel; every booking is also listed on its own ("Bookings").

Bookings are people's own, made on the site; they change only through
``events.services``. Cancelling an event is a button with a confirmation
page, never the status field. Raising the number of places gives them to
the people waiting, first come first served.

Regional coordinators see and change their region's events; council staff
given back-office access see, read-only, the events their council hosts.
What a person told the organisers they need (access requirements, dietary
needs) is shown only if they agreed to share it, and to council staff only
for events they are a staff organiser of.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from citizenleaders import roles
from citizenleaders.admin_site import CsvExportMixin, ScopedHistoryAdmin, ScopedModelAdmin
from citizenleaders.csv import csv_response
from citizenleaders.models import StaffRole, User
from events import services
from events.models import ACCESS_FEATURES, Event, Registration
from events.templatetags.events import event_when
from leaders.admin import (
    SHORT_TEXT,
    ConfirmationMixin,
    ReadOnlyPageMixin,
    Step,
    plural,
    region_filter,
)
from leaders.forms.me import text_field
from leaders.services.review import UK
from leaders.templatetags.involvement import clock
from ulos.models import Region

NOT_SHARED = "Not shared"


def uk_time(value) -> str:
    """A moment in UK time, short enough for a table: "Tue 16 Mar 2027, 10am"."""
    if value is None:
        return "-"
    local = timezone.localtime(value, UK)
    return f"{local:%a} {local.day} {local:%b %Y}, {clock(local.time())}"


def people(count) -> str:
    return plural(count, "person", "people")


# What people told the organisers --------------------------------------------------------


def with_needs_shown(registrations, user):
    """``registrations`` with ``needs_shown``: whether ``user`` may read what
    each person said they need. Only when the person agreed to share it, and
    for council staff only on events they are a staff organiser of."""
    shown = Q(share_needs=True)
    if not roles.is_coordinator(user):
        organises = Event.organisers.through.objects.filter(
            event_id=OuterRef("event_id"), user_id=user.pk
        )
        shown &= Q(Exists(organises))
    return registrations.annotate(needs_shown=ExpressionWrapper(shown, output_field=BooleanField()))


def access_requirements_text(registration) -> str:
    if not getattr(registration, "needs_shown", False):
        return NOT_SHARED
    return "; ".join(registration.access_requirement_labels()) or "None"


def access_details_text(registration) -> str:
    if not getattr(registration, "needs_shown", False):
        return NOT_SHARED
    return registration.access_details or "None"


def access_needs_text(registration) -> str:
    """The access requirements ticked and those written, in a line."""
    if not getattr(registration, "needs_shown", False):
        return NOT_SHARED
    needs = registration.access_requirement_labels()
    if registration.access_details:
        needs.append(registration.access_details)
    return "; ".join(needs) or "None"


def dietary_needs_text(registration) -> str:
    if not getattr(registration, "needs_shown", False):
        return NOT_SHARED
    return registration.dietary_needs or "None"


# Choosing people for an event ------------------------------------------------------------


def staff_accounts_for(user):
    """The staff accounts a person may make an event's staff organisers:
    for a regional coordinator the national coordinators, their region's
    coordinators and its councils' staff; for a national coordinator any."""
    staff = User.objects.filter(is_active=True).filter(
        Q(staff_role__isnull=False) | Q(is_superuser=True)
    )
    scope = roles.scope_of(user)
    if not scope.everything:
        staff = staff.filter(
            Q(staff_role__kind=StaffRole.Kind.NATIONAL_COORDINATOR)
            | Q(staff_role__region_id=scope.region_id)
            | Q(staff_role__local_authority__region_id=scope.region_id)
        )
    return staff.select_related("staff_role__region", "staff_role__local_authority").order_by(
        "full_name", "email"
    )


class StaffAccountsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        role = roles.staff_role_of(user)
        return f"{user.get_full_name()} ({user.email}), {role or 'National coordinator'}"


class AccountsByEmailField(forms.ModelMultipleChoiceField):
    """Accounts, chosen by typing their email addresses, one a line: for a
    list of invited people, and for coordinators who may not browse every
    account."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})
    separators = re.compile(r"[\s,;]+")

    def __init__(self, **kwargs):
        kwargs.pop("widget", None)
        kwargs.pop("queryset", None)
        super().__init__(
            queryset=User.objects.filter(is_active=True),
            to_field_name="email",
            widget=self.widget,
            **kwargs,
        )

    def emails(self, text) -> list[str]:
        found = [email.lower() for email in self.separators.split(text or "") if email]
        return list(dict.fromkeys(found))

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        users = list(value or [])
        if any(not isinstance(user, User) for user in users):
            users = list(User.objects.filter(pk__in=users))
        return "\n".join(user.email for user in users)

    def clean(self, value):
        emails = self.emails(value)
        if not emails:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return self.queryset.none()
        accounts = self.queryset.filter(email__in=emails)
        missing = sorted(set(emails) - {user.email for user in accounts})
        if missing:
            raise ValidationError(
                "There is no account with the email address %(emails)s. Check the address, "
                "or ask the person to create an account first",
                code="invalid_choice",
                params={"emails": ", ".join(missing)},
            )
        return accounts

    def has_changed(self, initial, data):
        return set(self.emails(self.prepare_value(initial))) != set(self.emails(data))


# Events -----------------------------------------------------------------------------------


class EventAdminForm(forms.ModelForm):
    """An event's details, checked as the database would check them but with
    a message by the field to correct. Whether it is cancelled is not here:
    that is the "Cancel event" button."""

    access_features = forms.MultipleChoiceField(
        label="Accessibility",
        choices=ACCESS_FEATURES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick everything the venue or the event offers.",
    )

    # Fields whose choices a coordinator's scope narrows, but whose values
    # already chosen (by a national coordinator) must not be dropped unseen.
    kept_choices = ("organisers", "co_organisers")

    class Meta:
        # The model and fields come from EventAdmin (modelform_factory), whose
        # formfield_for_dbfield builds each field.
        help_texts = {
            "start": "UK time.",
            "end": "UK time.",
            "booking_opens": "UK time. Leave blank to open booking when the event is published.",
            "booking_closes": "UK time. Leave blank to close booking when the event starts.",
            "venue_name": "For an event in person.",
        }
        error_messages = {
            "title": {"required": "Enter the title of the event"},
            "kind": {"required": "Choose the kind of event"},
            "audience": {"required": "Choose who the event is for"},
            "summary": {"required": "Enter a summary of the event"},
            "region": {"required": "Choose the region of the event"},
            "start": {"required": "Enter when the event starts"},
            "end": {"required": "Enter when the event ends"},
            "joining_link": {
                "invalid": "Enter the joining link as a web address, like "
                "https://meet.example.org/regional-meeting"
            },
            "status": {"required": "Choose whether the event is a draft or published"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in self.kept_choices:
                field = self.fields.get(name)
                if field is None:
                    continue
                current = getattr(self.instance, name).values("pk")
                field.queryset = field.queryset | field.queryset.model._default_manager.filter(
                    pk__in=current
                )

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("start"), cleaned_data.get("end")
        if start and end and end <= start:
            self.add_error("end", ValidationError("The end must be after the start", code="end"))
        if "online" in self.fields:
            if cleaned_data.get("online"):
                if not cleaned_data.get("joining_link") and "joining_link" not in self.errors:
                    self.add_error(
                        "joining_link",
                        ValidationError(
                            "Enter the joining link for an online event", code="no_link"
                        ),
                    )
            elif not cleaned_data.get("venue_name"):
                self.add_error(
                    "venue_name",
                    ValidationError("Enter the venue for an event in person", code="no_venue"),
                )
        opens, closes = cleaned_data.get("booking_opens"), cleaned_data.get("booking_closes")
        if opens and closes and closes <= opens:
            self.add_error(
                "booking_closes",
                ValidationError("Booking must close after it opens", code="closes_before_opens"),
            )
        region, council = cleaned_data.get("region"), cleaned_data.get("host_council")
        if region and council and council.region_id != region.pk:
            self.add_error(
                "host_council",
                ValidationError(
                    "Choose a council in %(region)s, the event’s region, or leave it blank",
                    code="council_outside_region",
                    params={"region": region},
                ),
            )
        self.check_status(cleaned_data)
        self.check_capacity(cleaned_data)
        return cleaned_data

    def check_status(self, cleaned_data):
        status = cleaned_data.get("status")
        if (
            self.instance.pk
            and status == Event.Status.DRAFT
            and self.instance.status == Event.Status.PUBLISHED
            and self.instance.registrations.active().exists()
        ):
            self.add_error(
                "status",
                ValidationError(
                    "People have booked this event, so it cannot go back to being a draft. "
                    "Cancel the event instead",
                    code="booked",
                ),
            )

    def check_capacity(self, cleaned_data):
        if not self.instance.pk or "capacity" not in cleaned_data:
            return
        capacity = cleaned_data["capacity"]
        # Locked until the admin's transaction commits, so no booking can take
        # a place between this check and the save.
        with transaction.atomic():
            taken = (
                Event.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("places_taken", flat=True)
                .get()
            )
        self.instance.places_taken = taken
        if capacity is not None and capacity < taken:
            self.add_error(
                "capacity",
                ValidationError(
                    "The number of places cannot be less than the %(taken)s already taken",
                    code="below_places_taken",
                    params={"taken": plural(taken, "place")},
                ),
            )


class CancelEventForm(forms.Form):
    reason = text_field(
        label="Why is it cancelled?",
        limit=2000,
        what="The reason",
        required_message="Enter why the event is cancelled",
        textarea=True,
        help_text="We include this in the email to everyone with a place or on the waiting list.",
    )


class EmailAttendeesForm(forms.Form):
    subject = text_field(
        label="Subject",
        limit=150,
        what="The subject",
        required_message="Enter the subject of the email",
        attrs={"size": 60},
    )
    message = text_field(
        label="Message",
        limit=5000,
        what="The message",
        required_message="Enter the message",
        textarea=True,
        help_text="We send it to each person on their own, with the event’s date, time and "
        "place, so nobody sees anyone else’s email address.",
        attrs={"cols": 60, "rows": 8},
    )


class AttendanceForm(forms.Form):
    """Who attended an event, marked for several people at once."""

    registrations = forms.ModelMultipleChoiceField(
        label="People to mark",
        queryset=Registration.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the people to mark",
            "invalid_choice": "Select people with a confirmed place",
            "invalid_pk_value": "Select people with a confirmed place",
        },
    )
    attendance = forms.ChoiceField(
        choices=[("attended", "Attended"), ("absent", "Did not attend")],
        error_messages={"required": "Choose whether they attended or did not attend"},
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["registrations"].queryset = event.registrations.confirmed().select_related(
            "user__leader"
        )

    def clean(self):
        if self.event.start > timezone.now():
            raise ValidationError(
                "You can mark who attended once the event has started, on %(start)s",
                code="not_started",
                params={"start": uk_time(self.event.start)},
            )
        return super().clean()


class WhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request, queryset):
        if self.value() == "upcoming":
            return queryset.upcoming()
        if self.value() == "past":
            return queryset.past()
        return queryset


def waiting_count():
    waiting = (
        Registration.objects.filter(event=OuterRef("pk"), status=Registration.Status.WAITING)
        .order_by()
        .values("event")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(waiting, output_field=models.IntegerField()), 0)


EVENT_FIELDSETS = [
    ("What", ["title", "slug", "kind", "audience", "summary", "description"]),
    ("When", ["start", "end"]),
    (
        "Where",
        [
            "region",
            "host_council",
            "host_ulo",
            "online",
            "joining_link",
            "venue_name",
            "venue_address",
            "venue_postcode",
            "travel_directions",
        ],
    ),
    ("Accessibility", ["access_features", "access_notes"]),
    ("Places and booking", ["capacity", "places_taken", "booking_opens", "booking_closes"]),
    ("Organisers", ["organisers", "co_organisers", "invited"]),
    (
        "Status",
        [
            "status",
            "cancelled_at",
            "cancel_reason",
            "organiser_summary_sent_at",
            "created_at",
            "updated_at",
        ],
    ),
]

# Written only by the services (bookings, cancelling, the daily reminders):
# saving the form never writes them back, so a booking or a summary sent
# while someone edits the event is never undone.
SYSTEM_FIELDS = {
    "places_taken",
    "cancelled_at",
    "cancel_reason",
    "organiser_summary_sent_at",
    "created_at",
}


@admin.register(Event)
class EventAdmin(ConfirmationMixin, CsvExportMixin, ScopedModelAdmin):
    region_field = "region"
    council_field = "host_council"
    form = EventAdminForm
    ordering = ["-start", "-pk"]
    list_display = ["title", "starts", "region", "kind", "status", "places", "waiting"]
    list_filter = [
        "status",
        "kind",
        "audience",
        region_filter("region"),
        "online",
        WhenFilter,
        "start",
    ]
    search_fields = ["title", "venue_name", "venue_postcode"]
    search_help_text = "Search by title, venue or postcode."
    date_hierarchy = "start"
    list_select_related = ["region"]
    autocomplete_fields = ["host_council", "host_ulo", "co_organisers"]
    filter_horizontal = ["organisers"]
    fieldsets = [(title, {"fields": fields}) for title, fields in EVENT_FIELDSETS]
    readonly_fields = [
        "places_taken",
        "cancelled_at",
        "cancel_reason",
        "organiser_summary_sent_at",
        "created_at",
        "updated_at",
    ]
    formfield_overrides = {models.TextField: SHORT_TEXT}
    csv_fields = [
        "title",
        "starts",
        "ends",
        "region",
        "host_council",
        "kind",
        "audience",
        "place_summary",
        "status",
        "capacity",
        "places_taken",
        "waiting",
    ]
    steps = (Step("cancel", "Cancel event", CancelEventForm),)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(waiting_count=waiting_count())

    # The list

    @admin.display(description="starts (UK time)", ordering="start")
    def starts(self, event):
        return uk_time(event.start)

    @admin.display(description="ends (UK time)", ordering="end")
    def ends(self, event):
        return uk_time(event.end)

    @admin.display(description="places taken", ordering="places_taken")
    def places(self, event):
        if event.capacity is None:
            return f"{event.places_taken} (no limit)"
        return f"{event.places_taken} of {event.capacity}"

    @admin.display(description="waiting", ordering="waiting_count")
    def waiting(self, event):
        return getattr(event, "waiting_count", None)

    @admin.display(description="where")
    def place_summary(self, event):
        return event.place_summary

    @admin.display(description="accessibility")
    def accessibility(self, event):
        return ", ".join(event.access_feature_labels()) or "None given"

    def get_actions(self, request):
        actions = super().get_actions(request)
        # An event with bookings is cancelled, never deleted: see has_delete_permission.
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.registrations.exists():
            return False
        return super().has_delete_permission(request, obj)

    # The form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only: the accessibility features by their labels.
            return [
                (
                    title,
                    {
                        **options,
                        "fields": [
                            "accessibility" if name == "access_features" else name
                            for name in options["fields"]
                        ],
                    },
                )
                for title, options in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_cancelled:
            readonly.append("status")  # there is no undoing a cancellation
        return readonly

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        scope = roles.scope_of(request.user)
        if scope.region_id and "region" not in initial:
            initial["region"] = scope.region_id
        return initial

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "invited":
            # Typed, not chosen from a list (nor wrapped with "add a user" links):
            # regional coordinators may not browse every account.
            return AccountsByEmailField(
                label="Invited people",
                required=False,
                help_text="For events for invited people only: the email addresses of their "
                "accounts, one a line.",
            )
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            # Regions are a national list, so the admin's scoping offers every
            # one; a regional coordinator may choose only their own.
            regions = Region.objects.all()
            scope = roles.scope_of(request.user)
            if not scope.everything:
                regions = regions.filter(pk=scope.region_id)
            kwargs["queryset"] = regions
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organisers":
            kwargs["queryset"] = staff_accounts_for(request.user)
            kwargs["form_class"] = StaffAccountsField
            kwargs["help_text"] = (
                "Coordinators and council staff who organise the event. They are sent a "
                "summary of the access requirements to prepare for, and council staff among "
                "them can read what people booked have agreed to share."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            kwargs["choices"] = [
                (Event.Status.DRAFT, "Draft: only in the back office"),
                (Event.Status.PUBLISHED, "Published: on the events pages"),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.save()
            return
        obj.save(
            update_fields=[
                field.name
                for field in obj._meta.concrete_fields
                if not field.primary_key and field.name not in SYSTEM_FIELDS
            ]
        )
        if "capacity" in form.changed_data:
            before = form.initial.get("capacity")
            if obj.capacity is None or (before is not None and obj.capacity > before):
                promoted = services.event_fill_places(event=obj)
                if promoted:
                    self.message_user(
                        request,
                        f"{people(len(promoted))} from the waiting list now "
                        f"{'has' if len(promoted) == 1 else 'have'} a place. We have emailed "
                        f"{'them' if len(promoted) == 1 else 'each of them'}.",
                        messages.SUCCESS,
                    )

    # The event's page: its status, and buttons for its organisers' pages

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if obj is not None:
            pages = [
                {"label": "Attendees and waiting list", "url": self.page_url("attendees", obj)}
            ]
            if self.email_problem(request, obj) is None:
                pages.append({"label": "Email everyone booked", "url": self.page_url("email", obj)})
            response.context_data["object_steps"] = pages + response.context_data.get(
                "object_steps", []
            )
        return response

    def status_summary(self, event):
        summary = [self.places_line(event)]
        waiting = event.registrations.waiting().count()
        if waiting:
            summary.append(f"{people(waiting)} on the waiting list.")
        if event.cancelled_at:
            summary.append(
                f"Cancelled on {uk_time(event.cancelled_at)}."
                + (f" Reason: {event.cancel_reason}" if event.cancel_reason else "")
            )
        return summary

    @staticmethod
    def places_line(event):
        if event.capacity is None:
            return f"{plural(event.places_taken, 'place')} taken (no limit)."
        return f"{event.places_taken} of {plural(event.capacity, 'place')} taken."

    # Cancelling

    def check_step(self, event, step):
        if event.is_cancelled:
            raise ValidationError("This event is already cancelled.")
        if event.is_past:
            raise ValidationError("This event has already ended, so it cannot be cancelled.")

    def step_intro(self, event, step):
        confirmed = event.registrations.confirmed().count()
        waiting = event.registrations.waiting().count()
        intro = [
            f"This cancels “{event}” ({event_when(event)}). It stays on the events pages, "
            "marked as cancelled, and nobody can book it."
        ]
        if confirmed or waiting:
            intro.append(
                f"We will email the {people(confirmed)} with a place and the "
                f"{people(waiting)} on the waiting list to tell them, with the reason you give."
            )
        else:
            intro.append("Nobody has booked it, so we will not email anyone.")
        return intro

    def take_step(self, request, event, step, data):
        booked = event.registrations.active().count()
        services.event_cancel(event=event, reason=data["reason"])
        if booked:
            return f"“{event}” is cancelled. We have emailed the {people(booked)} who had booked."
        return f"“{event}” is cancelled."

    # The organisers' pages

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        pages = [
            ("attendees/", self.attendees_view, "attendees"),
            ("attendees/csv/", self.attendees_csv_view, "attendees_csv"),
            ("email/", self.email_view, "email"),
        ]
        urls = [
            path(
                f"<path:object_id>/{address}",
                self.admin_site.admin_view(view),
                name="{}_{}_{}".format(*info, name),
            )
            for address, view, name in pages
        ]
        return urls + super().get_urls()

    def page_url(self, name, event):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}",
            kwargs={"object_id": event.pk},
        )

    def event_for(self, request, object_id, *, change=False):
        """The event at ``object_id``: 403 for someone who may not see (or
        change) events at all, 404 for one outside their scope."""
        allowed = (
            self.has_change_permission(request)
            if change
            else self.has_view_or_change_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404(f"There is no event with the ID “{object_id}”.")
        if change and not self.has_change_permission(request, event):
            raise PermissionDenied
        return event

    def may_mark_attendance(self, request):
        codename = get_permission_codename("change", Registration._meta)
        return request.user.has_perm(f"{Registration._meta.app_label}.{codename}")

    def attendees(self, request, event):
        """The people with a confirmed place, by name, with what the person
        looking may read of their needs."""
        return list(
            with_needs_shown(event.registrations.confirmed(), request.user)
            .select_related("user")
            .order_by("user__full_name", "user__email", "pk")
        )

    def page_context(self, request, event, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": event,
            "title": title,
            "change_url": self.change_url(event),
        }

    def attendees_view(self, request, object_id):
        event = self.event_for(request, object_id)
        may_mark = self.may_mark_attendance(request)
        started = event.start <= timezone.now()
        if request.method == "POST":
            if not may_mark:
                raise PermissionDenied
            form = AttendanceForm(request.POST, event=event)
            if form.is_valid():
                self.record_attendance(request, event, form.cleaned_data)
                return HttpResponseRedirect(self.page_url("attendees", event))
        else:
            form = AttendanceForm(event=event)
        confirmed = self.attendees(request, event)
        checked = {str(pk) for pk in form["registrations"].value() or []}
        waiting = list(event.registrations.waiting().select_related("user"))
        attendance = Registration.Attendance
        context = {
            **self.page_context(request, event, f"Attendees: {event}"),
            "event_when": event_when(event),
            "places": self.places_line(event),
            "confirmed": [
                {
                    "registration": registration,
                    "access_needs": access_needs_text(registration),
                    "dietary_needs": dietary_needs_text(registration),
                    "checked": str(registration.pk) in checked,
                }
                for registration in confirmed
            ],
            "waiting": waiting,
            "assistants": sum(1 for r in confirmed if r.bringing_assistant),
            "attended": sum(1 for r in confirmed if r.attendance == attendance.ATTENDED),
            "absent": sum(1 for r in confirmed if r.attendance == attendance.ABSENT),
            "not_recorded": sum(1 for r in confirmed if r.attendance == attendance.UNKNOWN),
            "form": form,
            "may_mark": may_mark and started,
            "may_mark_later": may_mark and not started,
            "start": uk_time(event.start),
            "sees_all_needs": roles.is_coordinator(request.user),
            "csv_url": self.page_url("attendees_csv", event),
            "email_url": (
                self.page_url("email", event)
                if self.email_problem(request, event) is None
                else None
            ),
        }
        return TemplateResponse(request, "admin/events/event/attendees.html", context)

    def record_attendance(self, request, event, data):
        registrations = list(data["registrations"])
        attended = data["attendance"] == "attended"
        leaders = sum(1 for r in registrations if hasattr(r.user, "leader"))
        had_activity = sum(1 for r in registrations if r.activity_id)
        marked = services.attendance_record(
            registrations=registrations, attended=attended, by=request.user
        )
        label = "attended" if attended else "did not attend"
        self.log_change(request, event, f"Marked {people(marked)} as {label}.")
        message = f"Marked {people(marked)} as {label}."
        if attended and leaders:
            message += (
                f" {plural(leaders, 'Citizen Leader')} among them "
                f"{'has' if leaders == 1 else 'have'} it in their activity log, verified."
            )
        if not attended and had_activity:
            message += " The activity recorded for attending is removed from their log."
        self.message_user(request, message, messages.SUCCESS)

    def attendees_csv_view(self, request, object_id):
        event = self.event_for(request, object_id)
        header = [
            "Name",
            "Email address",
            "Place confirmed",
            "Bringing a personal assistant or support worker",
            "Access requirements",
            "Other access requirements",
            "Dietary needs",
            "Attendance",
        ]
        rows = (
            [
                registration.user.get_full_name(),
                registration.user.email,
                timezone.localtime(registration.confirmed_at, UK).strftime("%Y-%m-%d %H:%M")
                if registration.confirmed_at
                else "",
                "Yes" if registration.bringing_assistant else "No",
                access_requirements_text(registration),
                access_details_text(registration),
                dietary_needs_text(registration),
                registration.get_attendance_display(),
            ]
            for registration in self.attendees(request, event)
        )
        return csv_response(f"attendees-{event.slug}.csv", header, rows)

    def email_problem(self, request, event):
        """Why the person cannot email everyone booked on ``event``, or ``None``."""
        if not self.has_change_permission(request, event):
            return "You cannot email the people booked on this event."
        if event.is_cancelled:
            return "This event is cancelled. Everyone booked was emailed when it was cancelled."
        if not event.registrations.confirmed().exists():
            return "Nobody has a confirmed place yet, so there is nobody to email."
        return None

    def email_view(self, request, object_id):
        event = self.event_for(request, object_id, change=True)
        problem = self.email_problem(request, event)
        confirming = False
        if request.method == "POST" and problem is None:
            form = EmailAttendeesForm(request.POST)
            if form.is_valid():
                if "send" in request.POST:
                    sent = services.event_email_attendees(event=event, **form.cleaned_data)
                    subject = form.cleaned_data["subject"]
                    self.log_change(request, event, f"Emailed {people(sent)}: “{subject}”.")
                    self.message_user(
                        request,
                        f"We have emailed “{subject}” to the {people(sent)} with a place.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self.page_url("attendees", event))
                confirming = "change" not in request.POST
        else:
            form = EmailAttendeesForm()
        context = {
            **self.page_context(request, event, f"Email everyone booked: {event}"),
            "problem": problem,
            "form": form,
            "confirming": confirming,
            "recipients": event.registrations.confirmed().count(),
            "cancel_url": self.page_url("attendees", event),
        }
        return TemplateResponse(request, "admin/events/event/email.html", context)


# Bookings ---------------------------------------------------------------------------------


BOOKING_FIELDSETS = [
    (
        "Booking",
        [
            "event",
            "person",
            "email",
            "status",
            "booked_at",
            "confirmed_at",
            "waiting_since",
            "cancelled_at",
        ],
    ),
    (
        "What they told the organisers",
        [
            "bringing_assistant",
            "shared_access_requirements",
            "shared_access_details",
            "shared_dietary_needs",
            "share_needs",
        ],
    ),
    ("Attendance", ["attendance", "attendance_recorded_at", "activity"]),
    ("Record", ["reminder_sent_at", "created_at", "updated_at"]),
]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyPageMixin, ConfirmationMixin, CsvExportMixin, ScopedHistoryAdmin):
    """Every booking, to see: people book and cancel on the site, places go
    to people waiting by themselves, and attendance is marked here (or on an
    event's attendee list) through ``services.attendance_record``."""

    region_field = "event__region"
    council_field = "event__host_council"
    ordering = ["-event__start", "event", "user__full_name", "pk"]
    list_display = [
        "person",
        "event",
        "status",
        "attendance",
        "booked_at",
        "bringing_assistant",
        "shared_access_needs",
        "shared_dietary_needs",
    ]
    list_filter = ["status", "attendance", region_filter("event__region")]
    search_fields = ["user__full_name", "user__email", "event__title"]
    date_hierarchy = "event__start"
    search_help_text = "Search by the person’s name or email address, or the event’s title."
    list_select_related = ["user", "event"]
    fieldsets = [(title, {"fields": fields}) for title, fields in BOOKING_FIELDSETS]
    actions = ["mark_attended", "mark_absent"]
    csv_fields = [
        "person",
        "email",
        "event",
        "event_start",
        "status",
        "attendance",
        "booked_at",
        "bringing_assistant",
        "shared_access_requirements",
        "shared_access_details",
        "shared_dietary_needs",
    ]

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .annotate(booked_at=Coalesce("confirmed_at", "waiting_since", "created_at"))
        )
        return with_needs_shown(queryset, request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # a booking is cancelled by the person, which frees its place

    @admin.display(description="person", ordering="user__full_name")
    def person(self, registration):
        return registration.user.get_full_name()

    @admin.display(description="email address", ordering="user__email")
    def email(self, registration):
        return registration.user.email

    @admin.display(description="event starts (UK time)", ordering="event__start")
    def event_start(self, registration):
        return uk_time(registration.event.start)

    @admin.display(description="booked", ordering="booked_at")
    def booked_at(self, registration):
        return getattr(registration, "booked_at", None) or registration.created_at

    @admin.display(description="access requirements")
    def shared_access_needs(self, registration):
        return access_needs_text(registration)

    @admin.display(description="access requirements")
    def shared_access_requirements(self, registration):
        return access_requirements_text(registration)

    @admin.display(description="other access requirements")
    def shared_access_details(self, registration):
        return access_details_text(registration)

    @admin.display(description="dietary needs")
    def shared_dietary_needs(self, registration):
        return dietary_needs_text(registration)

    # Marking attendance

    @admin.action(description="Mark selected people as attended", permissions=["change"])
    def mark_attended(self, request, queryset):
        return self.mark(request, queryset, attended=True)

    @admin.action(description="Mark selected people as did not attend", permissions=["change"])
    def mark_absent(self, request, queryset):
        return self.mark(request, queryset, attended=False)

    def mark(self, request, queryset, *, attended):
        queryset = queryset.select_related("user__leader", "event")
        now = timezone.now()
        ready = [r for r in queryset if r.is_confirmed and r.event.start <= now]
        label = "attended" if attended else "did not attend"
        if not ready:
            self.message_user(
                request,
                "None of the bookings you chose is a confirmed place at an event that has "
                "started. You can mark who attended once the event has started.",
                messages.WARNING,
            )
            return None
        if "post" not in request.POST:
            who = "This person" if len(ready) == 1 else f"These {len(ready)} people"
            intro = [f"{who} will be marked as {label}."]
            if attended:
                intro.append(
                    "Each Citizen Leader among them gets a verified activity in their log "
                    "(“Attended a regional meeting”, or “Helped plan an event” if they helped "
                    "organise it), once: marking them again adds nothing."
                )
            else:
                intro.append("Any activity recorded for attending is removed from their log.")
            skipped = len(queryset) - len(ready)
            if skipped:
                intro.append(
                    f"{plural(skipped, 'other booking')} you chose "
                    f"{'is' if skipped == 1 else 'are'} not a confirmed place at an event that "
                    "has started, and will not change."
                )
            return self.confirm_action(
                request,
                queryset,
                action="mark_attended" if attended else "mark_absent",
                title="Mark as attended" if attended else "Mark as did not attend",
                intro=intro,
                objects=[str(registration) for registration in ready],
                submit_label="Mark as attended" if attended else "Mark as did not attend",
            )
        marked = services.attendance_record(registrations=ready, attended=attended, by=request.user)
        for registration in ready:
            self.log_change(request, registration, f"Marked as {label}.")
        self.message_user(request, f"Marked {people(marked)} as {label}.", messages.SUCCESS)
        return None

"""The back office for the Citizen Leader journey: reviewing applications,
leaders and their training, and checking the activities and stories leaders
share.

Changes with consequences (an application moving on, a leader's status,
training completed, an activity verified or queried, a story approved) are
never plain form fields: they go through ``leaders.services.review``, from a
button on the record's page or a list action, after a confirmation page. The
services record who and when, and email the person.

Regional coordinators see only their region's records, by the leader's (or
applicant's) council; anything else is not found. Council staff given
back-office access see, read-only, the leaders of their council who are in
the directory (only what the directory shows) and the activities involving
their council.
"""

import re
from dataclasses import dataclass, replace
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from citizenleaders import roles
from citizenleaders.admin_site import (
    CsvExportMixin,
    NationalListAdmin,
    ScopedHistoryAdmin,
    ScopedModelAdmin,
)
from citizenleaders.imports import ImportAdminMixin
from citizenleaders.versioned_cache import VersionedCache
from leaders.forms.requests import CancelRequestForm
from leaders.imports import TrainingAttendanceImporter
from leaders.models import (
    CONTACT_METHODS,
    DAYS,
    FORMATS,
    Activity,
    Application,
    ApplicationEvent,
    Interest,
    InvolvementMatch,
    InvolvementRequest,
    Leader,
    Module,
    Skill,
    Story,
    TrainingRecord,
)
from leaders.services import requests as involvement
from leaders.services import review
from ulos.admin import RecordListFilter, RegionFilter
from ulos.models import LocalAuthority

SHORT_TEXT = {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}


# Filters ---------------------------------------------------------------------------


def region_filter(region_path, clears=()):
    """A region filter for records whose region is at ``region_path``; a
    regional coordinator is offered only their own region. Choosing a region
    drops the filters named in ``clears`` (a council in another region)."""

    class Filter(RegionFilter):
        def in_region(self, queryset, region_id):
            return queryset.filter(**{f"{region_path}_id": region_id})

        def choices(self, changelist):
            lookups = [None] + [lookup for lookup, _ in self.lookup_choices]
            for lookup, choice in zip(lookups, super().choices(changelist), strict=False):
                chosen = {} if lookup is None else {self.parameter_name: lookup}
                choice["query_string"] = changelist.get_query_string(
                    chosen, remove=[self.parameter_name, *clears]
                )
                yield choice

    return Filter


def council_filter(council_path):
    """A filter by council for records whose council is at ``council_path``,
    offered for one region at a time: a regional coordinator's own, or the
    one chosen in the region filter. All 153 councils at once would be a long
    list to read and to tab through. Used with
    ``region_filter(..., clears=[COUNCIL_PARAMETER])``."""

    class Filter(RecordListFilter):
        title = "council area"
        parameter_name = COUNCIL_PARAMETER

        def lookups(self, request, model_admin):
            scope = roles.scope_of(request.user)
            region = request.GET.get(RegionFilter.parameter_name, "")
            if scope.everything:
                region_id = int(region) if region.isdigit() else None
            else:
                region_id = scope.region_id
            councils = LocalAuthority.objects.order_by("name")
            if region_id is not None:
                councils = councils.filter(region_id=region_id)
            elif self.value() and self.value().isdigit():
                # A council chosen by its address alone: shown, so it can be cleared.
                councils = councils.filter(pk=int(self.value()))
            else:
                return []
            return [(str(pk), name) for pk, name in councils.values_list("pk", "name")]

        def chosen(self, queryset, pk):
            return queryset.filter(**{f"{council_path}_id": pk})

    return Filter


COUNCIL_PARAMETER = "local_authority__id__exact"


class ConnectionFilter(admin.SimpleListFilter):
    title = "connection to adult social care"
    parameter_name = "connection"
    fields = {
        "disabled": "is_disabled_person",
        "older": "is_older_person",
        "carer": "is_carer",
        "family": "is_family_or_friend",
    }

    def lookups(self, request, model_admin):
        return [
            ("disabled", "Disabled person"),
            ("older", "Older person"),
            ("carer", "Carer"),
            ("family", "Family member or friend"),
        ]

    def queryset(self, request, queryset):
        field = self.fields.get(self.value())
        return queryset.filter(**{field: True}) if field else queryset


class TrainingFilter(admin.SimpleListFilter):
    title = "required training"
    parameter_name = "training"

    def lookups(self, request, model_admin):
        return [("complete", "All completed"), ("incomplete", "Not all completed")]

    def queryset(self, request, queryset):
        done = Q(required_completed__gte=F("required_total"))
        if self.value() == "complete":
            return queryset.filter(done)
        if self.value() == "incomplete":
            return queryset.exclude(done)
        return queryset


# Changes made through a service, with a confirmation page ----------------------------


class ConfirmForm(forms.Form):
    """Nothing to ask: the page itself is the confirmation."""


@dataclass(frozen=True)
class Step:
    """A change to one record, made at ``<id>/<name>/``: GET explains it and
    asks for anything needed (``form``), POST makes it."""

    name: str
    label: str
    form: type[forms.Form] = ConfirmForm


class ConfirmationMixin:
    """Buttons on a record's page for its ``steps``, and confirmation pages
    for them and for list actions.

    A subclass says why a step cannot be taken now (``check_step``, raising
    ``ValidationError``), what the confirmation page says (``step_intro``)
    and makes the change (``take_step``, returning the message shown after).
    """

    steps: tuple[Step, ...] = ()

    def get_urls(self):
        app_label, model_name = self.opts.app_label, self.opts.model_name
        urls = [
            path(
                f"<path:object_id>/{step.name}/",
                self.admin_site.admin_view(self._step_view(step)),
                name=f"{app_label}_{model_name}_{step.name}",
            )
            for step in self.steps
        ]
        return urls + super().get_urls()

    def _step_view(self, step):
        def view(request, object_id):
            return self.step_view(request, object_id, step)

        view.__name__ = f"{step.name}_view"
        return view

    # What a subclass says about its steps.

    def check_step(self, obj, step):
        raise NotImplementedError

    def step_intro(self, obj, step) -> list[str]:
        return []

    def step_initial(self, obj, step) -> dict:
        return {}

    def take_step(self, request, obj, step, data) -> str:
        raise NotImplementedError

    def status_summary(self, obj) -> list[str]:
        return []

    # The pages.

    def step_problem(self, obj, step):
        """Why ``step`` cannot be taken now, or ``None``."""
        try:
            self.check_step(obj, step)
        except ValidationError as error:
            return " ".join(error.messages)
        return None

    def change_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def changelist_url(self):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    def step_view(self, request, object_id, step):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:  # not there, or outside the person's region
            raise Http404(f"There is no {self.opts.verbose_name} with the ID “{object_id}”.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        problem = self.step_problem(obj, step)
        if request.method == "POST" and problem is None:
            form = step.form(request.POST)
            if form.is_valid():
                try:
                    message = self.take_step(request, obj, step, form.cleaned_data)
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    self.log_change(request, obj, message)
                    self.message_user(request, message, messages.SUCCESS)
                    return HttpResponseRedirect(self.change_url(obj))
        else:
            form = step.form(initial=self.step_initial(obj, step))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"{step.label}: {obj}",
            "intro": self.step_intro(obj, step),
            "problem": problem,
            "form": form,
            "submit_label": step.label,
            "cancel_url": self.change_url(obj),
        }
        return TemplateResponse(request, "admin/leaders/confirm.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.steps:
            can_change = self.has_change_permission(request, obj)
            context["has_steps"] = True
            context["status_summary"] = self.status_summary(obj)
            context["object_steps"] = [
                {
                    "label": step.label,
                    "url": reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_{step.name}",
                        args=[obj.pk],
                    ),
                }
                for step in self.steps
                if can_change and self.step_problem(obj, step) is None
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def confirm_action(
        self, request, queryset, *, action, title, intro, submit_label, form=None, objects=None
    ):
        """The page between choosing a list action and it being done."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "intro": intro,
            "objects": [str(obj) for obj in (queryset if objects is None else objects)],
            "form": form or ConfirmForm(),
            "submit_label": submit_label,
            "cancel_url": self.changelist_url(),
            "action_name": action,
            "selected": [obj.pk for obj in queryset],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/leaders/confirm.html", context)


def plural(count, singular, plural_form=None):
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


# Applications ------------------------------------------------------------------------


class InviteForm(forms.Form):
    interview_at = forms.DateTimeField(
        label="Date and time (UK time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": "Enter the date and time of the interview",
            "invalid": "Enter a real date and time, like 21/03/2027 14:30",
        },
    )
    details = forms.CharField(
        label="Where it is, or how to join (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Sent to the applicant with the date and time, for example “By video call: "
        "we will email you a link the day before”.",
    )

    def clean_interview_at(self):
        interview_at = self.cleaned_data["interview_at"]
        if interview_at <= timezone.now():
            raise ValidationError("The interview must be in the future", code="in_the_past")
        return interview_at


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason for declining",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text="Sent to the applicant in an email that thanks them for applying. "
        "Write it kindly and plainly.",
        error_messages={"required": "Enter the reason for declining. It is sent to the applicant"},
    )


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["status", "at", "by", "note"]
    readonly_fields = fields
    verbose_name = "change"
    verbose_name_plural = "history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


REFERENCE = re.compile(r"CL-?0*(\d{1,9})", re.IGNORECASE)

APPLICATION_FIELDSETS = [
    ("About you", ["full_name", "preferred_name", "email", "phone"]),
    (
        "Your connection to adult social care",
        [
            "is_disabled_person",
            "is_older_person",
            "is_carer",
            "is_family_or_friend",
            "support_experience",
        ],
    ),
    ("Where you live", ["local_authority", "region"]),
    ("What you would like to do", ["interests", "skills", "other_skills"]),
    (
        "When and how you can take part",
        [
            "days_available",
            "available_daytime",
            "available_evenings",
            "available_online",
            "available_in_person",
            "travel",
        ],
    ),
    ("Support to take part", ["access_needs", "formats_wanted", "contact_by"]),
    ("How we use your information", ["consented_at"]),
    (
        "Review",
        [
            "status",
            "submitted_at",
            "interview_at",
            "decline_reason",
            "decided_at",
            "leader_profile",
        ],
    ),
]


class ParticipationDisplayMixin:
    """The answers kept as lists, by their labels."""

    @admin.display(description="days available")
    def days_available(self, obj):
        return ", ".join(obj.day_labels()) or "-"

    @admin.display(description="formats")
    def formats_wanted(self, obj):
        return ", ".join(obj.format_labels()) or "-"

    @admin.display(description="how to contact them")
    def contact_by(self, obj):
        return ", ".join(obj.contact_method_labels()) or "-"


@admin.register(Application)
class ApplicationAdmin(
    ConfirmationMixin, ParticipationDisplayMixin, CsvExportMixin, ScopedHistoryAdmin
):
    region_field = "local_authority__region"
    list_display = [
        "reference",
        "applicant",
        "status",
        "local_authority",
        "region",
        "submitted_at",
    ]
    list_filter = [
        "status",
        region_filter("local_authority__region", clears=[COUNCIL_PARAMETER]),
        council_filter("local_authority"),
        ConnectionFilter,
        "submitted_at",
    ]
    search_fields = ["full_name", "preferred_name", "user__full_name", "user__email"]
    search_help_text = "Search by reference (CL-000123), name or email address."
    date_hierarchy = "submitted_at"
    list_select_related = ["user", "local_authority__region"]
    fieldsets = [
        *[(title, {"fields": fields}) for title, fields in APPLICATION_FIELDSETS],
        ("Internal notes", {"fields": ["notes"]}),
    ]
    readonly_fields = [name for _, fields in APPLICATION_FIELDSETS for name in fields]
    inlines = [ApplicationEventInline]
    actions = ["review_selected"]
    steps = (
        Step("review", "Move to under review"),
        Step("invite", "Invite to interview", InviteForm),
        Step("accept", "Accept"),
        Step("decline", "Decline", DeclineForm),
    )

    def has_add_permission(self, request):
        return False  # people apply at /apply/

    def get_search_results(self, request, queryset, search_term):
        match = REFERENCE.fullmatch(search_term.strip())
        if match:
            return queryset.filter(pk=int(match[1])), False
        return super().get_search_results(request, queryset, search_term)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "local_authority__region")

    @admin.display(description="reference", ordering="pk")
    def reference(self, application):
        return application.reference

    @admin.display(description="applicant", ordering="full_name")
    def applicant(self, application):
        return application.full_name or application.user.get_full_name()

    @admin.display(description="email address")
    def email(self, application):
        return application.user.email

    @admin.display(description="region", ordering="local_authority__region__name")
    def region(self, application):
        council = application.local_authority
        return council.region if council else "-"

    @admin.display(description="leader profile")
    def leader_profile(self, application):
        leader = Leader.objects.filter(application=application).first()
        if leader is None:
            return "-"
        url = reverse("admin:leaders_leader_change", args=[leader.pk])
        return format_html('<a href="{}">{}</a>', url, leader)

    # Moving it on

    def check_step(self, application, step):
        review.application_check(application, step.name)

    def status_summary(self, application):
        summary = []
        if application.submitted_at:
            submitted = review.uk_datetime(application.submitted_at)
            summary.append(f"Submitted on {submitted}.")
        if application.status == Application.Status.INTERVIEW and application.interview_at:
            summary.append(f"Interview on {review.uk_datetime(application.interview_at)}.")
        if application.decided_at:
            summary.append(f"Decided on {review.uk_datetime(application.decided_at)}.")
        return summary

    def step_intro(self, application, step):
        name = self.applicant(application)
        email = application.user.email
        if step.name == "review":
            return [
                f"This tells {name} that a coordinator is reading their application.",
                f"We will email {email}.",
            ]
        if step.name == "invite":
            again = application.status == Application.Status.INTERVIEW
            return [
                f"This moves {name}’s interview to a new time."
                if again
                else f"This invites {name} to an interview.",
                f"We will email {email} the date and time, and what to expect.",
            ]
        if step.name == "accept":
            modules = Module.objects.count()
            return [
                f"This makes {name} a Citizen Leader in training. Their profile is filled in "
                f"from the application, with a training record for each of the "
                f"{plural(modules, 'module')}.",
                f"We will email {email} to welcome them.",
            ]
        return [
            f"This declines {name}’s application.",
            f"We will email {email} to thank them for applying, with the reason you give "
            "and how to ask us about it.",
        ]

    def step_initial(self, application, step):
        if step.name == "invite" and application.interview_at:
            return {"interview_at": application.interview_at}
        return {}

    def take_step(self, request, application, step, data):
        name = self.applicant(application)
        if step.name == "review":
            review.application_review(application=application, by=request.user)
            return f"{application.reference} is now under review. We have emailed {name}."
        if step.name == "invite":
            review.application_invite(
                application=application,
                by=request.user,
                interview_at=data["interview_at"],
                details=data["details"],
            )
            when = review.uk_datetime(application.interview_at)
            return f"{name} is invited to an interview on {when}. We have emailed them."
        if step.name == "accept":
            review.application_accept(application=application, by=request.user)
            return (
                f"{application.reference} is accepted: {name} is now a Citizen Leader in "
                "training. We have emailed them."
            )
        review.application_decline(application=application, by=request.user, reason=data["reason"])
        return f"{application.reference} is declined. We have emailed {name} the reason."

    @admin.action(description="Move selected applications to under review", permissions=["change"])
    def review_selected(self, request, queryset):
        queryset = queryset.select_related("user")
        ready = [a for a in queryset if a.status == Application.Status.SUBMITTED]
        if "post" not in request.POST:
            intro = [
                f"These {plural(len(ready), 'application')} will move to under review, and "
                "we will email each applicant to tell them."
            ]
            if len(ready) < len(queryset):
                skipped = len(queryset) - len(ready)
                intro.append(
                    f"{plural(skipped, 'other application')} you chose "
                    f"{'is' if skipped == 1 else 'are'} not waiting for review and will not change."
                )
            if not ready:
                self.message_user(
                    request,
                    "None of the applications you chose is waiting for review.",
                    messages.WARNING,
                )
                return None
            return self.confirm_action(
                request,
                queryset,
                action="review_selected",
                title="Move applications to under review",
                intro=intro,
                objects=[f"{a.reference}: {self.applicant(a)}" for a in ready],
                submit_label="Move to under review",
            )
        moved = 0
        for application in ready:
            try:
                review.application_review(application=application, by=request.user)
            except ValidationError:
                continue  # someone else moved it meanwhile
            self.log_change(request, application, "Moved to under review.")
            moved += 1
        self.message_user(
            request,
            f"Moved {plural(moved, 'application')} to under review. We have emailed "
            f"{'the applicant' if moved == 1 else 'each applicant'}.",
            messages.SUCCESS,
        )
        return None


# Leaders and their training ---------------------------------------------------------


def with_training_progress(queryset):
    """Each leader's count of required modules completed, and how many are
    required, in the same query. Both are subqueries rather than a join and
    GROUP BY, so a page of the list counts for its own rows only: with ten
    thousand leaders the join grouped 90,000 training records for every page
    and again for the count."""
    required = (
        Module.objects.filter(is_required=True)
        .order_by()
        .values("is_required")
        .annotate(total=Count("pk"))
        .values("total")
    )
    completed = (
        TrainingRecord.objects.filter(
            leader=OuterRef("pk"),
            status=TrainingRecord.Status.COMPLETED,
            module__is_required=True,
        )
        .order_by()
        .values("leader")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return queryset.annotate(
        required_completed=Coalesce(Subquery(completed, output_field=IntegerField()), 0),
        required_total=Coalesce(Subquery(required, output_field=IntegerField()), 0),
    )


class TrainingRecordInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0
    can_delete = False
    fields = ["module", "status", "session_date", "completed_on", "trainer"]
    readonly_fields = ["module"]
    verbose_name_plural = "training"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("module")

    def has_add_permission(self, request, obj=None):
        return False  # every module has a record; new modules add theirs


class LeaderAdminForm(forms.ModelForm):
    days = forms.MultipleChoiceField(
        label="Days available", choices=DAYS, required=False, widget=forms.CheckboxSelectMultiple
    )
    formats = forms.MultipleChoiceField(
        label="Formats", choices=FORMATS, required=False, widget=forms.CheckboxSelectMultiple
    )
    contact_methods = forms.MultipleChoiceField(
        label="How to contact them",
        choices=CONTACT_METHODS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def sees_as_council_staff(request):
    """Council staff in the back office: their council's records, read-only."""
    return roles.scope_of(request.user).local_authority_id is not None


# What council staff see of a leader: what the directory shows them, never
# access needs, contact details and methods, formats, notes or application
# answers; the email address only if the leader chose to share it.
DIRECTORY_FIELDSETS = [
    (None, {"fields": ["directory_name", "full_name", "shared_email", "local_authority", "bio"]}),
    ("What they would like to do", {"fields": ["interests", "skills", "other_skills"]}),
    (
        "When and how they can take part",
        {
            "fields": [
                "days_available",
                "available_daytime",
                "available_evenings",
                "available_online",
                "available_in_person",
                "travel",
            ]
        },
    ),
    ("Training", {"fields": ["training_completed"]}),
]


@admin.register(Leader)
class LeaderAdmin(ConfirmationMixin, CsvExportMixin, ScopedHistoryAdmin):
    region_field = "local_authority__region"
    # Explicit: the training counts group the query, which drops Meta.ordering.
    ordering = ["user__full_name", "user__email", "pk"]
    form = LeaderAdminForm
    list_display = ["name", "status", "training_progress", "local_authority", "region"]
    list_filter = [
        "status",
        TrainingFilter,
        region_filter("local_authority__region", clears=[COUNCIL_PARAMETER]),
        council_filter("local_authority"),
    ]
    search_fields = ["user__email", "user__full_name", "preferred_name"]
    list_select_related = ["user", "local_authority__region"]
    # What the columns of both lists show (the coordinators' and council
    # staff's), and the leader's name.
    list_only = [
        "status",
        "preferred_name",
        "user__full_name",
        "user__email",
        "local_authority__name",
        "local_authority__region__name",
    ]
    # The table of rows, kept until a write to any table it shows (a leader,
    # their account, training, council or region, or the modules): the
    # directory's version, renewed by triggers (migration 0008).
    kept_rows = VersionedCache(
        "leaders:admin-list", timeout=5 * 60, versions="database", follows="leaders:directory"
    )
    autocomplete_fields = ["local_authority"]
    readonly_fields = [
        "user",
        "email",
        "from_application",
        "status",
        "training_progress",
        "accepted_at",
        "activated_at",
        "status_changed_at",
        "in_directory",
        "directory_shows_email",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "user",
                    "email",
                    "preferred_name",
                    "phone",
                    "local_authority",
                    "bio",
                    "from_application",
                ]
            },
        ),
        (
            "Status",
            {
                "fields": [
                    "status",
                    "training_progress",
                    "accepted_at",
                    "activated_at",
                    "status_changed_at",
                ]
            },
        ),
        ("What they would like to do", {"fields": ["interests", "skills", "other_skills"]}),
        (
            "When and how they can take part",
            {
                "fields": [
                    "days",
                    "available_daytime",
                    "available_evenings",
                    "available_online",
                    "available_in_person",
                    "travel",
                ]
            },
        ),
        ("Support to take part", {"fields": ["access_needs", "formats", "contact_methods"]}),
        (
            "Directory",
            {
                "description": "The leader chooses these themselves.",
                "fields": ["in_directory", "directory_shows_email"],
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [TrainingRecordInline]
    formfield_overrides = {models.TextField: SHORT_TEXT}
    steps = (
        Step("pause", "Pause"),
        Step("leave", "Record that they have left"),
        Step("reactivate", "Bring back"),
    )

    def has_add_permission(self, request):
        return False  # leaders come from accepted applications

    def get_queryset(self, request):
        return with_training_progress(super().get_queryset(request))

    def scope_queryset(self, queryset, request):
        queryset = super().scope_queryset(queryset, request)
        if sees_as_council_staff(request):
            # As in the directory: a leader who leaves it, pauses or leaves
            # the programme disappears on the next request.
            queryset = queryset.in_directory()
        return queryset

    # What council staff see: the directory's fields only

    def get_fieldsets(self, request, obj=None):
        if sees_as_council_staff(request):
            return DIRECTORY_FIELDSETS
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if sees_as_council_staff(request):
            return [name for _, options in DIRECTORY_FIELDSETS for name in options["fields"]]
        return super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if sees_as_council_staff(request):
            kwargs["form"] = forms.ModelForm  # without the private fields LeaderAdminForm adds
        return super().get_form(request, obj, **kwargs)

    def get_inlines(self, request, obj):
        return [] if sees_as_council_staff(request) else super().get_inlines(request, obj)

    def get_list_display(self, request):
        if sees_as_council_staff(request):
            return ["directory_name", "training_progress", "local_authority"]
        return super().get_list_display(request)

    def get_list_filter(self, request):
        if sees_as_council_staff(request):
            return [TrainingFilter]
        return super().get_list_filter(request)

    def get_search_fields(self, request):
        if sees_as_council_staff(request):
            return ["user__full_name", "preferred_name"]  # not the email: it may be private
        return super().get_search_fields(request)

    @admin.display(description="name", ordering="user__full_name")
    def directory_name(self, leader):
        return leader.display_name or "A Citizen Leader"

    @admin.display(description="full name")
    def full_name(self, leader):
        return leader.user.full_name or "-"

    @admin.display(description="email address")
    def shared_email(self, leader):
        return leader.user.email if leader.directory_shows_email else "Not shared"

    @admin.display(description="days available")
    def days_available(self, leader):
        return ", ".join(leader.day_labels()) or "-"

    @admin.display(description="training modules completed")
    def training_completed(self, leader):
        records = leader.training.filter(status=TrainingRecord.Status.COMPLETED).select_related(
            "module"
        )
        return ", ".join(record.module.title for record in records) or "None yet"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "local_authority":
            kwargs["queryset"] = LocalAuthority.objects.in_scope_of(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("interests", "skills"):
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="leader", ordering="user__full_name")
    def name(self, leader):
        return leader.user.get_full_name()

    @admin.display(description="email address", ordering="user__email")
    def email(self, leader):
        return leader.user.email

    @admin.display(description="region", ordering="local_authority__region__name")
    def region(self, leader):
        return leader.local_authority.region

    @admin.display(description="required training", ordering="required_completed")
    def training_progress(self, leader):
        completed = getattr(leader, "required_completed", None)
        if completed is None:  # not from get_queryset (a fresh object)
            return "-"
        return f"{completed} of {leader.required_total} completed"

    @admin.display(description="from application")
    def from_application(self, leader):
        if leader.application_id is None:
            return "-"
        url = reverse("admin:leaders_application_change", args=[leader.application_id])
        return format_html('<a href="{}">{}</a>', url, leader.application)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        leader = form.instance
        if review.leader_activate_if_trained(leader=leader, by=request.user):
            self.message_user(
                request,
                f"{leader} has completed the required training and is now active. "
                "We have emailed them.",
                messages.SUCCESS,
            )

    # Status

    def target_status(self, leader, step):
        if step.name == "pause":
            return Leader.Status.PAUSED
        if step.name == "leave":
            return Leader.Status.LEFT
        return review.leader_status_to_resume(leader)

    def check_step(self, leader, step):
        if step.name == "reactivate" and leader.status not in (
            Leader.Status.PAUSED,
            Leader.Status.LEFT,
        ):
            raise ValidationError(f"{leader} is not paused and has not left.")
        review.leader_check_status(leader, self.target_status(leader, step))

    def status_summary(self, leader):
        if leader.status_changed_at:
            return [f"Since {review.uk_datetime(leader.status_changed_at)}."]
        return []

    def step_intro(self, leader, step):
        email = leader.user.email
        if step.name == "pause":
            return [
                f"{leader} will be paused: they stay a Citizen Leader but are not asked to take "
                "part until they come back.",
                f"We will email {email} to tell them.",
            ]
        if step.name == "leave":
            return [
                f"This records that {leader} has left the programme.",
                f"We will email {email} to thank them.",
            ]
        if self.target_status(leader, step) == Leader.Status.ACTIVE:
            back = f"{leader} will be active again."
        else:
            back = (
                f"{leader} has not completed all the required training, so they will go back "
                "to training."
            )
        return [back, f"We will email {email} to welcome them back."]

    def take_step(self, request, leader, step, data):
        status = self.target_status(leader, step)
        review.leader_set_status(leader=leader, status=status, by=request.user)
        label = Leader.Status(status).label.lower()
        return f"{leader} is now {label}. We have emailed them."


@admin.register(Module)
class ModuleAdmin(NationalListAdmin):
    list_display = ["title", "is_required", "position"]
    list_editable = ["is_required", "position"]
    list_filter = ["is_required"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "description", "is_required", "position"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            made = review.training_records_create_for_module(module=obj)
            if made:
                self.message_user(
                    request,
                    f"Every current leader now has a record for “{obj}” "
                    f"({plural(made, 'record')} added).",
                    messages.INFO,
                )
        elif "is_required" in form.changed_data and not obj.is_required:
            activated = review.leaders_activate_if_trained(by=request.user)
            if activated:
                self.message_user(
                    request,
                    f"{plural(len(activated), 'leader')} had completed everything else that is "
                    "required and became active. We have emailed them.",
                    messages.INFO,
                )


class MarkCompletedForm(forms.Form):
    completed_on = forms.DateField(
        label="Date completed",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date the training was completed",
            "invalid": "Enter a real date, like 21/03/2027",
        },
    )
    trainer = forms.CharField(
        label="Trainer",
        max_length=200,
        error_messages={"required": "Enter the name of the trainer"},
    )

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if completed_on > timezone.localdate():
            raise ValidationError(
                "The date the training was completed must be today or in the past",
                code="in_the_future",
            )
        return completed_on


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ImportAdminMixin, ConfirmationMixin, CsvExportMixin, ScopedHistoryAdmin):
    region_field = "leader__local_authority__region"
    list_display = [
        "leader",
        "module",
        "status",
        "session_date",
        "completed_on",
        "trainer",
        "council",
    ]
    list_filter = [
        "module",
        "status",
        region_filter("leader__local_authority__region"),
        "session_date",
    ]
    date_hierarchy = "session_date"
    search_fields = ["leader__user__full_name", "leader__user__email", "module__title", "trainer"]
    list_select_related = ["leader__user", "leader__local_authority", "module"]
    autocomplete_fields = ["leader"]
    fields = [
        "leader",
        "module",
        "status",
        "session_date",
        "completed_on",
        "trainer",
        "created_at",
        "updated_at",
    ]
    actions = ["mark_completed"]
    importer = TrainingAttendanceImporter
    import_label = "Import training attendance"

    def get_readonly_fields(self, request, obj=None):
        readonly = ["created_at", "updated_at"]
        if obj is not None:
            readonly += ["leader", "module"]
        return readonly

    @admin.display(description="council area", ordering="leader__local_authority__name")
    def council(self, record):
        return record.leader.local_authority

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "leader":
            kwargs["queryset"] = Leader.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if review.leader_activate_if_trained(leader=obj.leader, by=request.user):
            self.message_user(
                request,
                f"{obj.leader} has completed the required training and is now active. "
                "We have emailed them.",
                messages.SUCCESS,
            )

    @admin.action(description="Mark as completed (a session’s attendees)", permissions=["change"])
    def mark_completed(self, request, queryset):
        queryset = queryset.select_related("leader__user", "module")
        if "post" in request.POST:
            form = MarkCompletedForm(request.POST)
            if form.is_valid():
                try:
                    done = review.training_complete(
                        records=queryset, by=request.user, **form.cleaned_data
                    )
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    self.report_completed(request, done, form.cleaned_data)
                    return None
        else:
            sessions = {record.session_date for record in queryset}
            session = sessions.pop() if len(sessions) == 1 else None
            if session is None or session > timezone.localdate():
                session = timezone.localdate()
            form = MarkCompletedForm(initial={"completed_on": session})
        return self.confirm_action(
            request,
            queryset,
            action="mark_completed",
            title="Mark training as completed",
            intro=[
                f"These {plural(len(queryset), 'training record')} will be marked completed. "
                "Records already completed keep their date and trainer.",
                "Leaders who have then completed all the required training become active, "
                "and we email them.",
            ],
            form=form,
            submit_label="Mark as completed",
        )

    def report_completed(self, request, done, data):
        for record in done.completed:
            self.log_change(
                request,
                record,
                f"Completed on {data['completed_on']:%d %B %Y} with {data['trainer']}.",
            )
        message = f"Marked {plural(len(done.completed), 'training record')} as completed."
        if done.already_completed:
            message += (
                f" {plural(len(done.already_completed), 'record')} "
                f"{'was' if len(done.already_completed) == 1 else 'were'} already completed "
                "and did not change."
            )
        if done.activated:
            names = ", ".join(str(leader) for leader in done.activated)
            message += f" Now active, and emailed: {names}."
        self.message_user(request, message, messages.SUCCESS)


# Activities and stories ---------------------------------------------------------------


class QueryForm(forms.Form):
    question = forms.CharField(
        label="Your question for the leader",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text="We email it to the leader. They can change the entry until it is verified.",
        error_messages={"required": "Enter your question for the leader"},
    )


class ReadOnlyPageMixin:
    """Pages that only show what a leader wrote: changes go through buttons,
    so there is nothing to save."""

    def get_readonly_fields(self, request, obj=None):
        return [
            name for fieldset in self.get_fieldsets(request, obj) for name in fieldset[1]["fields"]
        ]

    def has_add_permission(self, request):
        return False  # leaders add their own

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Activity)
class ActivityAdmin(ReadOnlyPageMixin, ConfirmationMixin, CsvExportMixin, ScopedHistoryAdmin):
    region_field = "leader__local_authority__region"
    # Council staff see the activities involving their council (whoever's
    # leader it was), as their council's page counts them.
    council_field = "local_authority"
    list_display = ["__str__", "leader", "hours", "local_authority", "status", "checked_by"]
    list_filter = ["status", "kind", region_filter("leader__local_authority__region"), "date"]
    date_hierarchy = "date"
    search_fields = [
        "leader__user__full_name",
        "leader__user__email",
        "description",
        "organisation",
    ]
    list_select_related = ["leader__user", "local_authority", "checked_by"]
    view_on_site = False  # its address is the leader's own page for changing it
    fieldsets = [
        (
            "What they did",
            {
                "fields": [
                    "leader",
                    "kind",
                    "date",
                    "hours",
                    "local_authority",
                    "organisation",
                    "people_reached",
                    "description",
                ]
            },
        ),
        ("A challenge raised", {"fields": ["challenge", "council_response", "change"]}),
        ("Checking", {"fields": ["status", "checked_by", "checked_at", "query"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]
    actions = ["verify_selected", "query_selected"]
    steps = (Step("verify", "Verify"), Step("query", "Ask the leader a question", QueryForm))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if sees_as_council_staff(request):
            # Checking is between the leader and their coordinator.
            return [
                (title, {**options, "fields": ["status"]})
                if title == "Checking"
                else (title, options)
                for title, options in fieldsets
            ]
        return fieldsets

    def get_list_display(self, request):
        if sees_as_council_staff(request):
            return ["__str__", "leader", "hours", "local_authority", "status"]
        return super().get_list_display(request)

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(request, context, *args, **kwargs)
        if sees_as_council_staff(request):
            response.context_data["status_summary"] = []  # who checked it, and any question
        return response

    def get_search_fields(self, request):
        if sees_as_council_staff(request):
            return ["leader__user__full_name", "description", "organisation"]
        return super().get_search_fields(request)

    def check_step(self, activity, step):
        if step.name == "verify":
            review.activity_check_verify(activity)
        else:
            review.activity_check_query(activity)

    def status_summary(self, activity):
        if activity.checked_at is None:
            return []
        checked = review.uk_datetime(activity.checked_at)
        summary = [f"Checked by {activity.checked_by or 'a former coordinator'} on {checked}."]
        if activity.status == Activity.Status.QUERIED:
            summary.append(f"Question asked: {activity.query}")
        return summary

    def step_intro(self, activity, step):
        if step.name == "verify":
            return [
                f"This confirms {activity.leader}’s entry “{activity}”. Once verified, they "
                "can no longer change it."
            ]
        return [
            f"We will email your question to {activity.leader} about “{activity}”, and "
            "show it with the entry. They can change the entry until it is verified."
        ]

    def take_step(self, request, activity, step, data):
        if step.name == "verify":
            review.activity_verify(activities=[activity], by=request.user)
            return f"Verified {activity.leader}’s activity “{activity}”."
        review.activity_query(activity=activity, by=request.user, question=data["question"])
        return f"Sent your question about “{activity}” to {activity.leader}."

    @admin.action(description="Verify selected activities", permissions=["change"])
    def verify_selected(self, request, queryset):
        verified = review.activity_verify(activities=queryset, by=request.user)
        for activity in verified:
            self.log_change(request, activity, "Verified.")
        message = f"Verified {plural(len(verified), 'activity', 'activities')}."
        unchanged = len(queryset) - len(verified)
        if unchanged:
            were = "was" if unchanged == 1 else "were"
            message += f" {plural(unchanged, 'other')} {were} already verified."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Ask a question about the selected activity", permissions=["change"])
    def query_selected(self, request, queryset):
        if len(queryset) != 1:
            self.message_user(
                request, "Choose one activity to ask a question about.", messages.WARNING
            )
            return None
        activity = queryset[0]
        return HttpResponseRedirect(reverse("admin:leaders_activity_query", args=[activity.pk]))


@admin.register(Story)
class StoryAdmin(ReadOnlyPageMixin, ConfirmationMixin, ScopedModelAdmin):
    region_field = "leader__local_authority__region"
    list_display = ["title", "leader", "status", "on_website", "in_training", "created_at"]
    list_filter = [
        "status",
        "on_website",
        "in_training",
        region_filter("leader__local_authority__region"),
        "created_at",
    ]
    search_fields = ["title", "body", "leader__user__full_name", "leader__user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["leader__user"]
    fieldsets = [
        (None, {"fields": ["leader", "title", "body"]}),
        (
            "What the leader agreed to",
            {"fields": ["name_shown", "shown_as", "on_website", "in_training"]},
        ),
        ("Approval", {"fields": ["status", "approved_by", "approved_at"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]
    actions = ["approve_selected"]
    steps = (Step("approve", "Approve"),)

    @admin.display(description="shown as")
    def shown_as(self, story):
        return story.author_name

    def check_step(self, story, step):
        review.story_check_approve(story)

    def status_summary(self, story):
        if story.approved_at is None:
            return []
        approved = review.uk_datetime(story.approved_at)
        return [f"Approved by {story.approved_by or 'a former coordinator'} on {approved}."]

    def step_intro(self, story, step):
        where = []
        if story.on_website:
            where.append("on the website’s stories page")
        if story.in_training:
            where.append("in training materials")
        return [
            f"{story.leader} agreed to “{story.title}” being used {' and '.join(where)}, "
            f"shown as “{story.author_name}”. Approving it lets us use it there.",
            f"We will email {story.leader} to tell them.",
        ]

    def take_step(self, request, story, step, data):
        review.story_approve(story=story, by=request.user)
        return f"Approved “{story.title}”. We have emailed {story.leader}."

    @admin.action(description="Approve selected stories", permissions=["change"])
    def approve_selected(self, request, queryset):
        queryset = queryset.select_related("leader__user")
        ready, problems = [], []
        for story in queryset:
            try:
                review.story_check_approve(story)
            except ValidationError as error:
                problems.append(" ".join(error.messages))
            else:
                ready.append(story)
        if "post" not in request.POST:
            if not ready:
                for problem in problems:
                    self.message_user(request, problem, messages.WARNING)
                return None
            return self.confirm_action(
                request,
                queryset,
                action="approve_selected",
                title="Approve stories",
                intro=[
                    f"These {plural(len(ready), 'story', 'stories')} will be approved, used "
                    "where their leaders agreed, and we will email each leader.",
                    *problems,
                ],
                objects=[f"“{story.title}” by {story.leader}" for story in ready],
                submit_label="Approve",
            )
        approved = 0
        for story in ready:
            try:
                review.story_approve(story=story, by=request.user)
            except ValidationError:
                continue
            self.log_change(request, story, "Approved.")
            approved += 1
        self.message_user(
            request,
            f"Approved {plural(approved, 'story', 'stories')}. We have emailed the "
            f"{'leader' if approved == 1 else 'leaders'}.",
            messages.SUCCESS,
        )
        return None


# What leaders choose from ----------------------------------------------------------------


class ChoiceAdmin(NationalListAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Interest)
class InterestAdmin(ChoiceAdmin):
    pass


@admin.register(Skill)
class SkillAdmin(ChoiceAdmin):
    pass


# Requests for involvement -------------------------------------------------------------------


class MatchLeadersForm(forms.Form):
    """Leaders from the directory to put forward for a request: the best
    candidates (``involvement.match_candidates``), or those found by a search."""

    leaders = forms.ModelMultipleChoiceField(
        label="Leaders to put forward",
        queryset=Leader.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one leader to put forward",
            "invalid_choice": "Choose leaders from the list",
        },
    )

    def __init__(self, *args, involvement_request, search="", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["leaders"]
        # Any leader in the directory may be chosen; the list shows the best few.
        field.queryset = Leader.objects.in_directory()
        self.candidates = involvement.match_candidates(involvement_request, search=search)
        field.widget.choices = [(leader.pk, self.label(leader)) for leader in self.candidates]
        if not self.candidates:
            field.help_text = "No leaders in the directory match. Search for someone else."

    @staticmethod
    def label(leader):
        council = leader.local_authority
        parts = [f"{leader.user.get_full_name()} ({leader.user.email})"]
        parts.append(f"{council.name}, {council.region.name}")
        skills = ", ".join(skill.name for skill in leader.skills.all())
        parts.append(f"skills: {skills}" if skills else "no skills listed")
        if leader.asked_for:
            parts.append("asked for by the council")
        if leader.skills_matched:
            parts.append(f"has {leader.skills_matched} of the skills wanted")
        return " – ".join(parts)


class InvolvementMatchInline(admin.TabularInline):
    model = InvolvementMatch
    extra = 0
    can_delete = False
    fields = ["leader", "status", "responded_at", "decline_reason", "matched_by", "activity"]
    readonly_fields = fields
    verbose_name = "leader put forward"
    verbose_name_plural = "leaders put forward"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("leader__user", "matched_by")

    def has_add_permission(self, request, obj=None):
        return False  # through "Match leaders"

    def has_change_permission(self, request, obj=None):
        return False


REQUEST_REFERENCE = re.compile(r"REQ-?0*(\d{1,9})", re.IGNORECASE)


@admin.register(InvolvementRequest)
class InvolvementRequestAdmin(ConfirmationMixin, CsvExportMixin, ScopedModelAdmin):
    """Councils' requests: coordinators match leaders, mark them completed
    or cancel them, each through a button and a confirmation page. What the
    council asked can be corrected; what the system records cannot."""

    region_field = "local_authority__region"
    list_display = [
        "reference",
        "title",
        "local_authority",
        "purpose",
        "date",
        "status",
        "requester",
    ]
    list_filter = [
        "status",
        "purpose",
        region_filter("local_authority__region", clears=[COUNCIL_PARAMETER]),
        council_filter("local_authority"),
        "date",
    ]
    search_fields = ["title", "requester__email", "requester__full_name"]
    search_help_text = "Search by reference (REQ-00012), title or the requester’s email address."
    date_hierarchy = "date"
    list_select_related = ["local_authority", "requester"]
    fieldsets = [
        (
            "The request",
            {
                "fields": [
                    "reference",
                    "local_authority",
                    "requester",
                    "title",
                    "purpose",
                    "purpose_other",
                    "description",
                ]
            },
        ),
        ("When and where", {"fields": ["date", "start_time", "hours", "online", "location"]}),
        (
            "Expenses and payment",
            {"fields": ["expenses_offered", "payment_offered", "payment_details"]},
        ),
        ("Who they would like", {"fields": ["leaders_asked_for", "skills"]}),
        (
            "Where it stands",
            {
                "fields": [
                    "status",
                    "created_at",
                    "completed_at",
                    "cancelled_at",
                    "cancel_reason",
                    "feedback",
                    "feedback_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "reference",
        "local_authority",
        "requester",
        "leaders_asked_for",
        "status",
        "created_at",
        "completed_at",
        "cancelled_at",
        "cancel_reason",
        "feedback",
        "feedback_at",
    ]
    inlines = [InvolvementMatchInline]
    formfield_overrides = {models.TextField: SHORT_TEXT}
    steps = (
        Step("match", "Match leaders", MatchLeadersForm),
        Step("complete", "Mark completed"),
        Step("cancel", "Cancel request", CancelRequestForm),
    )

    def has_add_permission(self, request):
        return False  # council staff ask at /requests/new/

    def get_search_results(self, request, queryset, search_term):
        match = REQUEST_REFERENCE.fullmatch(search_term.strip())
        if match:
            return queryset.filter(pk=int(match[1])), False
        return super().get_search_results(request, queryset, search_term)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "skills":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="reference", ordering="pk")
    def reference(self, involvement_request):
        return involvement_request.reference

    @admin.display(description="leaders asked for")
    def leaders_asked_for(self, involvement_request):
        names = [
            f"{leader.user.get_full_name()} ({leader.local_authority})"
            for leader in involvement_request.leaders.select_related("user", "local_authority")
        ]
        return ", ".join(names) or "None in particular"

    # Moving it on

    def check_step(self, involvement_request, step):
        checks = {
            "match": involvement.request_check_match,
            "complete": involvement.request_check_complete,
            "cancel": involvement.request_check_cancel,
        }
        checks[step.name](involvement_request)

    def status_summary(self, involvement_request):
        summary = [
            f"Asked by {self.requester_name(involvement_request)} of "
            f"{involvement_request.local_authority} on "
            f"{review.uk_datetime(involvement_request.created_at)}."
        ]
        if involvement_request.completed_at:
            summary.append(f"Completed on {review.uk_datetime(involvement_request.completed_at)}.")
        if involvement_request.cancelled_at:
            when = review.uk_datetime(involvement_request.cancelled_at)
            reason = involvement_request.cancel_reason
            summary.append(f"Cancelled on {when}." + (f" Reason: {reason}" if reason else ""))
        if involvement_request.feedback_at:
            given = review.uk_datetime(involvement_request.feedback_at)
            summary.append(f"Feedback given on {given}.")
        return summary

    @staticmethod
    def requester_name(involvement_request):
        requester = involvement_request.requester
        return requester.get_full_name() if requester else "a former member of staff"

    def step_intro(self, involvement_request, step):
        ref = involvement_request.reference
        requester = self.requester_name(involvement_request)
        if step.name == "match":
            skills = ", ".join(skill.name for skill in involvement_request.skills.all())
            return [
                f"Choose leaders from the directory to put forward for {ref} "
                f"({involvement_request.local_authority}). We will email each of them the "
                f"offer with a link to answer it, and tell {requester} who was put forward "
                "(their names only).",
                "Leaders the council asked for are ticked and come first, then those with "
                f"the skills wanted ({skills or 'none given'}), then those in the council’s "
                "region.",
            ]
        if step.name == "complete":
            names = [
                involvement.leader_name(match.leader)
                for match in involvement_request.matches.filter(
                    status=InvolvementMatch.Status.ACCEPTED
                ).select_related("leader__user")
            ]
            return [
                f"This records that “{involvement_request}” has happened. Offers nobody "
                "answered are withdrawn.",
                f"We will email each leader who took part ({', '.join(names)}) to confirm "
                f"the activity, and {requester} to ask for feedback.",
            ]
        return [
            f"This cancels {ref}. Offers waiting for an answer are withdrawn.",
            f"We will email the leaders put forward, the coordinators and {requester}.",
        ]

    def step_initial(self, involvement_request, step):
        if step.name == "match":
            matched = involvement_request.matches.values("leader")
            asked = involvement_request.leaders.in_directory().exclude(pk__in=matched)
            return {"leaders": list(asked.values_list("pk", flat=True))}
        return {}

    def step_view(self, request, object_id, step):
        """Matching chooses from the request's own candidates, with a search."""
        if step.name != "match":
            return super().step_view(request, object_id, step)
        search = request.GET.get("q", "").strip()
        involvement_request = self.get_object(request, unquote(object_id))
        if involvement_request is not None:
            step = replace(
                step,
                form=partial(
                    MatchLeadersForm, involvement_request=involvement_request, search=search
                ),
            )
        response = super().step_view(request, object_id, step)
        if isinstance(response, TemplateResponse):
            response.template_name = "admin/leaders/involvementrequest/match.html"
            response.context_data["search"] = search
        return response

    def take_step(self, request, involvement_request, step, data):
        ref = involvement_request.reference
        if step.name == "match":
            matches = involvement.request_match(
                involvement_request=involvement_request, leaders=data["leaders"], by=request.user
            )
            names = ", ".join(involvement.leader_name(match.leader) for match in matches)
            return (
                f"Put forward {plural(len(matches), 'leader')} for {ref}: {names}. We have "
                "emailed them, and told the council who was put forward."
            )
        if step.name == "complete":
            involvement.request_complete(involvement_request=involvement_request, by=request.user)
            return (
                f"{ref} is completed. We have emailed the leaders who took part and asked the "
                "council for feedback."
            )
        involvement.request_cancel(
            involvement_request=involvement_request, by=request.user, reason=data["reason"]
        )
        return f"{ref} is cancelled. We have emailed the leaders put forward and the council."


@admin.register(InvolvementMatch)
class InvolvementMatchAdmin(CsvExportMixin, ScopedModelAdmin):
    """Every leader put forward for a request, and their answer: to see, not
    to change (answers are the leaders’ own)."""

    region_field = "request__local_authority__region"
    list_display = ["leader", "request_reference", "request", "council", "status", "responded_at"]
    list_filter = [
        "status",
        region_filter("request__local_authority__region"),
        "request__date",
    ]
    search_fields = ["leader__user__full_name", "leader__user__email", "request__title"]
    list_select_related = ["leader__user", "request__local_authority"]
    fields = [
        "request",
        "leader",
        "status",
        "matched_by",
        "created_at",
        "responded_at",
        "decline_reason",
        "activity",
    ]
    readonly_fields = fields
    view_on_site = False  # its address is the leader's own page

    def get_search_fields(self, request):
        # Council staff search by name only: a leader's email is theirs to share.
        if roles.is_coordinator(request.user):
            return self.search_fields
        return ["leader__user__full_name", "request__title"]

    def get_fields(self, request, obj=None):
        # Why a leader declined is for coordinators only.
        if roles.is_coordinator(request.user):
            return self.fields
        return [name for name in self.fields if name != "decline_reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="reference", ordering="request__pk")
    def request_reference(self, match):
        return match.request.reference

    @admin.display(description="council", ordering="request__local_authority__name")
    def council(self, match):
        return match.request.local_authority

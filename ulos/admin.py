"""The back office for places, ULOs, their assessments and their funding.

Regional coordinators see and change the councils of their region and the
ULOs that serve at least one of them; criteria, services and funding are set
nationally, so they only see those (and only their region's awards). Council
staff with back-office access see their own council and the ULOs serving it,
read-only.
"""

from collections import defaultdict
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape

from citizenleaders import roles
from citizenleaders.admin_site import (
    CsvExportMixin,
    NationalListAdmin,
    ScopedHistoryAdmin,
    ScopedModelAdmin,
)
from citizenleaders.imports import ImportAdminMixin
from ulos.imports import CouncilContactsImporter
from ulos.models import (
    RESERVED_SLUGS,
    Assessment,
    Award,
    Criterion,
    FundingProgramme,
    LocalAuthority,
    Region,
    Service,
    Ulo,
)
from ulos.services import committee_assessments_update, programme_awarded, programme_check_budget

SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


# Scope ---------------------------------------------------------------------


def ulos_in_region(queryset, region_id):
    return queryset.in_region(region_id)


def awards_in_region(queryset, region_id):
    """Awards to the region itself or to a ULO that serves a council in it."""
    return queryset.filter(Q(region_id=region_id) | Q(ulo__in=Ulo.objects.in_region(region_id)))


# An award is in a region's scope if it went to the region itself or to a ULO
# serving one of its councils.
AWARD_REGION_PATHS = ("region", "ulo__local_authorities__region")


class RecordListFilter(admin.SimpleListFilter):
    """A list filter whose choices are records' keys: a key that is not a
    number finds nothing. Subclasses say what a chosen key keeps."""

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return self.chosen(queryset, int(value))

    def chosen(self, queryset, pk):
        raise NotImplementedError


class RegionFilter(RecordListFilter):
    """Filter by region; a regional coordinator is offered only their own."""

    title = "region"
    parameter_name = "region"

    def lookups(self, request, model_admin):
        scope = roles.scope_of(request.user)
        regions = Region.objects.all()
        if not scope.everything:
            regions = regions.filter(pk=scope.region_id)
        return [(str(region.pk), region.name) for region in regions]

    def chosen(self, queryset, pk):
        return self.in_region(queryset, pk)

    def in_region(self, queryset, region_id):
        raise NotImplementedError


class UloRegionFilter(RegionFilter):
    title = "region (of the councils served)"

    def in_region(self, queryset, region_id):
        return ulos_in_region(queryset, region_id)


class AwardRegionFilter(RegionFilter):
    def in_region(self, queryset, region_id):
        return awards_in_region(queryset, region_id)


class CouncilChoicesForm(forms.ModelForm):
    """Keeps the councils outside a regional coordinator's region that the
    record already has: they are not offered, so they would otherwise be
    dropped without anyone choosing to."""

    kept_councils: dict[str, list] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kept in self.kept_councils.items():
            if kept and name in self.fields:
                field = self.fields[name]
                names = escape(", ".join(str(council) for council in kept))
                # The admin shows help text as HTML, hence the escaping.
                field.help_text = (
                    f"{field.help_text} Outside your region it also has: {names}. "
                    "Only a national coordinator can change those."
                ).strip()

    def clean(self):
        cleaned_data = super().clean()
        for name, kept in self.kept_councils.items():
            if name in cleaned_data:
                cleaned_data[name] = [*cleaned_data[name], *kept]
        return cleaned_data


class CouncilChoicesMixin:
    """Many-to-many fields to councils (``council_fields``) that offer a
    regional coordinator only their region's councils, in the autocomplete
    and when the form is checked."""

    council_fields: tuple[str, ...] = ()

    def councils_in_scope(self, request):
        return LocalAuthority.objects.in_scope_of(request.user)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.council_fields:
            kwargs["queryset"] = self.councils_in_scope(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or roles.scope_of(request.user).everything:
            return form
        in_scope = self.councils_in_scope(request)
        kept = {
            name: list(getattr(obj, name).exclude(pk__in=in_scope)) for name in self.council_fields
        }
        return type(form.__name__, (form,), {"kept_councils": kept})


# Places --------------------------------------------------------------------


@admin.register(Region)
class RegionAdmin(CsvExportMixin, NationalListAdmin):
    list_display = ["name", "gss_code"]
    search_fields = ["name", "gss_code"]


class EndedFilter(admin.SimpleListFilter):
    title = "ended"
    parameter_name = "ended"

    def lookups(self, request, model_admin):
        return [("no", "Current"), ("yes", "Ended")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.current()
        if self.value() == "yes":
            return queryset.filter(ended_on__lte=timezone.localdate())
        return queryset


class CouncilAdminForm(CouncilChoicesForm):
    def clean(self):
        cleaned_data = super().clean()
        successors = cleaned_data.get("successors") or []
        if self.instance.pk and any(council.pk == self.instance.pk for council in successors):
            self.add_error(
                "successors",
                ValidationError("A council cannot be its own successor", code="own_successor"),
            )
        if successors and "ended_on" in self.fields and not cleaned_data.get("ended_on"):
            self.add_error(
                "ended_on",
                ValidationError(
                    "Enter the date the council ended, or remove its successors",
                    code="successors_without_end",
                ),
            )
        return cleaned_data


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(ImportAdminMixin, CsvExportMixin, CouncilChoicesMixin, ScopedModelAdmin):
    region_field = "region"
    council_field = "pk"  # council staff see their own council
    form = CouncilAdminForm
    council_fields = ("successors",)
    importer = CouncilContactsImporter
    import_label = "Import council contacts"
    list_display = [
        "name",
        "gss_code",
        "authority_type",
        "region",
        "is_partner",
        "ulo_strategy",
        "ended_on",
    ]
    list_filter = [
        ("region", admin.RelatedOnlyFieldListFilter),
        "authority_type",
        "is_partner",
        "ulo_strategy",
        EndedFilter,
    ]
    search_fields = ["name", "gss_code"]
    list_select_related = ["region"]
    autocomplete_fields = ["successors"]
    fieldsets = [
        ("The council", {"fields": ["name", "gss_code", "authority_type", "region"]}),
        ("Partnership", {"fields": ["is_partner", "partner_since"]}),
        (
            "Adult social care lead",
            {
                "description": "Private to staff: never shown on the public site.",
                "fields": [
                    "care_lead_name",
                    "care_lead_role",
                    "care_lead_email",
                    "care_lead_phone",
                ],
            },
        ),
        ("ULO strategy", {"fields": ["ulo_strategy", "ulo_strategy_date", "ulo_strategy_notes"]}),
        ("Reorganisation", {"fields": ["ended_on", "successors"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["created_at", "updated_at"]
        if not roles.is_national_coordinator(request.user):
            # From the ONS list; moving a council out of the region would
            # also take it out of the coordinator's reach.
            readonly += ["name", "gss_code", "authority_type", "region"]
        return readonly


# ULOs ------------------------------------------------------------------------


class MeetsCriteriaFilter(admin.SimpleListFilter):
    title = "meets criteria"
    parameter_name = "meets_criteria"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.meeting_criteria(self.value() == "yes")
        return queryset


class UloAdminForm(CouncilChoicesForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "local_authorities" in self.fields:
            # Checked in clean(), counting councils kept outside the region.
            self.fields["local_authorities"].required = False

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug.lower() in RESERVED_SLUGS:
            raise ValidationError(
                f"“{slug}” is the address of another page under /ulos/. "
                f"Enter a different address, such as “{slug}-ulo”",
                code="reserved_slug",
            )
        return slug

    def clean(self):
        cleaned_data = super().clean()
        if "local_authorities" in cleaned_data and not cleaned_data["local_authorities"]:
            self.add_error(
                "local_authorities",
                ValidationError(
                    "Choose at least one council whose area the ULO serves", code="no_council"
                ),
            )
        return cleaned_data


class AssessmentInline(admin.TabularInline):
    model = Assessment
    extra = 0
    fields = ["criterion", "result", "assessed_on", "evidence", "assessed_by"]
    readonly_fields = ["assessed_by"]
    formfield_overrides = SHORT_TEXT

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion", "assessed_by")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "result":
            kwargs["help_text"] = (
                "Criteria that follow the management committee share are worked out from it "
                "when you save."
            )
        return super().formfield_for_choice_field(db_field, request, **kwargs)


def check_budget(programme, *, adding, excluding=None):
    """``programme_check_budget``, also for a programme being added."""
    if programme.budget is None:
        return  # the programme's own form says what is wrong
    if programme.pk is not None:
        programme_check_budget(programme, adding=adding, excluding=excluding)
    elif adding > programme.budget:
        raise ValidationError(
            f"This would take {programme.name} over its budget of £{programme.budget:,.2f}. "
            f"The most you can award is £{programme.budget:,.2f}.",
            code="over_budget",
        )


class AwardInlineFormSet(forms.BaseInlineFormSet):
    """Keeps each programme within its budget, counting every award added or
    changed in the same save together."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        adding = defaultdict(Decimal)
        programmes = {}
        being_changed = []
        for form in self.forms:
            deleting = self.can_delete and self._should_delete_form(form)
            if form.instance.pk is not None and (deleting or form.has_changed()):
                being_changed.append(form.instance.pk)
            if deleting or not form.has_changed():
                continue
            programme = form.cleaned_data["programme"]
            programmes[programme.pk] = programme
            adding[programme.pk] += form.cleaned_data["amount"]
        errors = []
        for key, amount in adding.items():
            try:
                check_budget(programmes[key], adding=amount, excluding=being_changed)
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)


def awards_visible(queryset, request):
    return roles.filter_by_scope(queryset, request.user, region_field=AWARD_REGION_PATHS)


class AwardInline(admin.TabularInline):
    model = Award
    formset = AwardInlineFormSet
    extra = 0
    formfield_overrides = SHORT_TEXT

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("programme", "ulo", "region")
        return awards_visible(queryset, request)


class UloAwardInline(AwardInline):
    fields = ["programme", "amount", "awarded_on", "purpose"]


class ProgrammeAwardInline(AwardInline):
    fields = ["ulo", "region", "amount", "awarded_on", "purpose"]
    autocomplete_fields = ["ulo", "region"]


@admin.register(Ulo)
class UloAdmin(CsvExportMixin, CouncilChoicesMixin, ScopedHistoryAdmin):
    # Through the councils it serves (listed once however many are in scope).
    region_field = "local_authorities__region"
    form = UloAdminForm
    council_fields = ("local_authorities",)
    list_display = [
        "name",
        "stage",
        "meets_criteria",
        "is_centre_for_independent_living",
        "is_published",
        "last_checked_on",
    ]
    list_filter = [
        UloRegionFilter,
        "stage",
        MeetsCriteriaFilter,
        "is_centre_for_independent_living",
        "is_published",
    ]
    search_fields = ["name", "postcode", "local_authorities__name"]
    autocomplete_fields = ["local_authorities"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "stage", "is_published", "description"]}),
        ("Where it works", {"fields": ["local_authorities"]}),
        ("Contact details", {"fields": ["website", "email", "phone", "address", "postcode"]}),
        (
            "The organisation",
            {
                "fields": [
                    "legal_form",
                    "year_founded",
                    "committee_user_share",
                    "is_centre_for_independent_living",
                    "signed_cil_protocol",
                    "is_action_and_learning_site",
                ]
            },
        ),
        ("Services", {"fields": ["services"]}),
        ("Record", {"fields": ["last_checked_on", "created_at", "updated_at"]}),
    ]
    inlines = [AssessmentInline, UloAwardInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    csv_fields = [
        "name",
        "councils_served",
        "stage",
        "meets_criteria",
        "is_centre_for_independent_living",
        "is_published",
        "last_checked_on",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_meets_criteria()

    def get_csv_queryset(self, request, queryset):
        return queryset.prefetch_related("local_authorities")

    @admin.display(boolean=True, description="meets criteria", ordering="meets_criteria")
    def meets_criteria(self, ulo):
        return ulo.meets_criteria

    @admin.display(description="councils served")
    def councils_served(self, ulo):
        return ", ".join(council.name for council in ulo.local_authorities.all())

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "services":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Assessment:
            return super().save_formset(request, form, formset, change)
        for assessment in formset.save(commit=False):
            assessment.assessed_by = request.user
            assessment.save()
        for assessment in formset.deleted_objects:
            assessment.delete()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        committee_assessments_update(ulo=form.instance, by=request.user)


@admin.register(Criterion)
class CriterionAdmin(CsvExportMixin, NationalListAdmin):
    list_display = [
        "title",
        "is_essential",
        "committee_share_met",
        "committee_share_partly_met",
        "position",
    ]
    list_filter = ["is_essential"]
    search_fields = ["title", "description"]


@admin.register(Service)
class ServiceAdmin(CsvExportMixin, NationalListAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Assessment)
class AssessmentAdmin(CsvExportMixin, ScopedModelAdmin):
    region_field = "ulo__local_authorities__region"
    list_display = ["ulo", "criterion", "result", "assessed_on", "assessed_by"]
    list_filter = ["result", "criterion", "assessed_on"]
    search_fields = ["ulo__name", "criterion__title"]
    list_select_related = ["ulo", "criterion", "assessed_by"]
    autocomplete_fields = ["ulo"]
    readonly_fields = ["assessed_by", "created_at", "updated_at"]
    fields = [
        "ulo",
        "criterion",
        "result",
        "assessed_on",
        "evidence",
        "assessed_by",
        "created_at",
        "updated_at",
    ]

    def save_model(self, request, obj, form, change):
        if form.has_changed():
            obj.assessed_by = request.user
        super().save_model(request, obj, form, change)


# Funding ---------------------------------------------------------------------


class FundingProgrammeAdminForm(forms.ModelForm):
    def clean_budget(self):
        budget = self.cleaned_data["budget"]
        if self.instance.pk is None or "budget" not in self.changed_data:
            return budget
        # Hold the programme while checking, as awards do (see services).
        FundingProgramme.objects.select_for_update().filter(pk=self.instance.pk).first()
        awarded = programme_awarded(self.instance)
        if budget < awarded:
            raise ValidationError(
                f"£{awarded:,.2f} is already awarded from this programme. Enter a budget of at "
                f"least £{awarded:,.2f}, or reduce the awards first",
                code="below_awarded",
            )
        return budget


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(CsvExportMixin, NationalListAdmin):
    form = FundingProgrammeAdminForm
    list_display = ["name", "financial_year", "funder", "budget", "awarded", "left"]
    list_filter = ["financial_year", "funder"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["awarded_against_budget", "created_at", "updated_at"]
    fields = [
        "name",
        "slug",
        "financial_year",
        "funder",
        "budget",
        "awarded_against_budget",
        "description",
        "created_at",
        "updated_at",
    ]
    inlines = [ProgrammeAwardInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_awarded()

    @admin.display(description="awarded (£)", ordering="awarded")
    def awarded(self, programme):
        return programme.awarded

    @admin.display(description="left (£)", ordering=models.F("budget") - models.F("awarded"))
    def left(self, programme):
        return programme.budget - programme.awarded

    @admin.display(description="awarded against budget")
    def awarded_against_budget(self, programme):
        if programme.pk is None:
            return "Nothing awarded yet"
        awarded = getattr(programme, "awarded", None)
        if awarded is None:
            awarded = programme_awarded(programme)
        left = programme.budget - awarded
        summary = f"£{awarded:,.2f} awarded of £{programme.budget:,.2f}"
        if left < 0:
            return f"{summary}; £{-left:,.2f} over budget"
        return f"{summary}; £{left:,.2f} left"


class AwardAdminForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        programme = cleaned_data.get("programme")
        amount = cleaned_data.get("amount")
        is_new = self.instance.pk is None
        if programme is None or amount is None:
            return cleaned_data
        if not is_new and not {"programme", "amount"} & set(self.changed_data):
            return cleaned_data
        try:
            check_budget(programme, adding=amount, excluding=None if is_new else [self.instance.pk])
        except ValidationError as error:
            self.add_error("amount", error)
        return cleaned_data


@admin.register(Award)
class AwardAdmin(CsvExportMixin, ScopedHistoryAdmin):
    region_field = AWARD_REGION_PATHS
    form = AwardAdminForm
    list_display = ["programme", "recipient", "amount", "awarded_on"]
    list_filter = ["programme", AwardRegionFilter, "awarded_on"]
    search_fields = ["ulo__name", "region__name", "purpose"]
    list_select_related = ["programme", "ulo", "region"]
    autocomplete_fields = ["ulo", "region"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "awarded_on"

    @admin.display(description="to")
    def recipient(self, award):
        return award.recipient

"""The back office: the Django admin, open to coordinators, and to council
staff given read-only access to their own council's records."""

import datetime
import html
from collections.abc import Sequence
from decimal import Decimal
from functools import partial, wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import (
    NotRelationField,
    get_fields_from_path,
    label_for_field,
    lookup_field,
    unquote,
)
from django.contrib.auth.views import redirect_to_login
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.text import capfirst, slugify

from citizenleaders import roles
from citizenleaders.csv import csv_response


class CitizenLeadersAdminSite(admin.AdminSite):
    site_header = "Citizen Leaders back office"
    site_title = "Citizen Leaders back office"
    index_title = "Manage the programme"
    enable_nav_sidebar = True

    def has_permission(self, request):
        return request.user.is_active and roles.may_use_back_office(request.user)

    def admin_view(self, view, cacheable=False):
        """Anonymous visitors go to the site's login; signed-in people who may
        not use the back office get 'You cannot see this page' rather than a login
        form they cannot use."""
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        """Send everyone to the site's own login, where rate limits and
        two-factor authentication apply, then back to the back office."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")

    def check(self, app_configs):
        """Every model admin must narrow what it shows to the person's scope:
        ``manage.py check`` (and so ``runserver``) refuses one that does not."""
        errors = super().check(app_configs)
        for model, model_admin in self._registry.items():
            if app_configs is not None and model._meta.app_config not in app_configs:
                continue
            if not isinstance(model_admin, ScopedModelAdmin):
                errors.append(
                    checks.Error(
                        f"The admin of {model._meta.label} does not narrow what it shows "
                        "to the person's scope.",
                        hint="Base it on citizenleaders.admin_site.ScopedModelAdmin (with "
                        "region_field), or NationalListAdmin for a list set nationally.",
                        obj=type(model_admin),
                        id="citizenleaders.E001",
                    )
                )
        return errors

    def password_change(self, request, extra_context=None):
        """One place to change a password: the account settings."""
        return redirect("account_change_password")

    def password_change_done(self, request, extra_context=None):
        return redirect("me")


class ScopedModelAdmin(admin.ModelAdmin):
    """The base of every model admin: what a person sees is narrowed to their
    scope, everywhere the admin reads records.

    Say where a record's scope is with ``region_field``, the path from the
    model to its region (``"local_authority__region"``), and ``council_field``,
    the path to its council. ``council_field`` is worked out from a
    ``region_field`` that ends in ``__region`` (``"local_authority"``); set it
    where it differs (a council is its own council: ``"pk"``) or to ``()`` to
    keep council staff out. Either may be a list of paths, any of which puts a
    record in scope. Where scope needs more than paths, override
    ``scope_queryset``. A model admin with neither is for national
    coordinators only; lists set nationally for everyone who may read them
    use ``NationalListAdmin``.

    Through ``scope_queryset`` go the list, change, history and delete pages,
    actions and CSV exports (``get_queryset``); autocompletes that look up
    this model; the choices other forms offer of it; and list filters by it.
    A record outside the person's scope is not found (404), as if it did
    not exist.
    """

    region_field: str | Sequence[str] = ""
    council_field: str | Sequence[str] | None = None

    def get_council_field(self):
        if self.council_field is not None:
            return self.council_field
        paths = [self.region_field] if isinstance(self.region_field, str) else self.region_field
        return [path.removesuffix("__region") for path in paths if path.endswith("__region")]

    def get_queryset(self, request):
        return self.scope_queryset(super().get_queryset(request), request)

    def scope_queryset(self, queryset, request):
        """Narrow ``queryset`` to what the person may see."""
        return roles.filter_by_scope(
            queryset,
            request.user,
            region_field=self.region_field,
            council_field=self.get_council_field(),
        )

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django sends the person back to the index with "… doesn't exist";
        # another region's record is not found at all, as the issue asks.
        raise Http404(f"There is no {opts.verbose_name} with the ID “{unquote(object_id)}”.")

    def history_view(self, request, object_id, extra_context=None):
        # As the change and delete pages do: 403 for a model the person may
        # not see at all, before looking for the record.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def get_field_queryset(self, db, db_field, request):
        return scoped_field_queryset(self, db, db_field, request)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            name_widget_parts(formfield.widget, formfield.label)
        return formfield

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            # An inline's choices (a leader, a ULO) are scoped like the page's.
            inline.get_field_queryset = partial(scoped_field_queryset, inline)
            inline.get_formset = labelled(inline.get_formset)
        return inlines

    def get_changelist_formset(self, request, **kwargs):
        return labelled_formset(super().get_changelist_formset(request, **kwargs))

    def get_list_filter(self, request):
        return [scoped_list_filter(self.model, item) for item in super().get_list_filter(request)]


def innermost_widget(widget):
    """The widget that draws the input, inside the admin's wrappers (the
    add/change links beside a foreign key)."""
    while isinstance(getattr(widget, "widget", None), forms.Widget):
        widget = widget.widget
    return widget


def name_widget_parts(widget, label):
    """Give each input of a widget drawn as several (a date and a time) a
    name: a ``<label>`` can point at only one of them."""
    widget = innermost_widget(widget)
    if not isinstance(widget, forms.MultiWidget):
        return
    if isinstance(widget, forms.SplitDateTimeWidget):
        parts = ["date", "time"]
    else:
        parts = [f"part {number}" for number in range(1, len(widget.widgets) + 1)]
    for part, subwidget in zip(parts, widget.widgets, strict=True):
        subwidget.attrs.setdefault("aria-label", f"{label}: {part}")


def name_every_input(form, row=None):
    """Rows of a table (a tabular inline, a list's editable columns) have
    their labels as column headings, not ``<label>``s: each input gets its
    own name, with the row's record where there is one."""
    for name, field in form.fields.items():
        widget = innermost_widget(field.widget)
        if widget.is_hidden:
            continue
        label = capfirst(str(field.label or name.replace("_", " ")))
        if row:
            label = f"{label}, {row}"
        if isinstance(widget, forms.MultiWidget):
            name_widget_parts(widget, label)
        else:
            widget.attrs.setdefault("aria-label", label)


def labelled_formset(formset_class):
    """``formset_class`` with every input of every form named (see
    ``name_every_input``), including those the formset adds (delete, order)."""

    class LabelledFormSet(formset_class):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            instance = getattr(form, "instance", None)
            row = str(instance) if instance is not None and instance.pk else None
            name_every_input(form, row)

    LabelledFormSet.__name__ = formset_class.__name__
    return LabelledFormSet


def labelled(get_formset):
    @wraps(get_formset)
    def get_labelled_formset(*args, **kwargs):
        return labelled_formset(get_formset(*args, **kwargs))

    return get_labelled_formset


class NationalListAdmin(ScopedModelAdmin):
    """Lists set nationally (regions, criteria, training modules): the same
    for everyone whose role lets them read them."""

    def scope_queryset(self, queryset, request):
        return queryset


def scoped_field_queryset(model_admin, db, db_field, request):
    """The choices a form offers for a foreign key or many-to-many field: the
    related records the person may see in their own model admin."""
    queryset = admin.ModelAdmin.get_field_queryset(model_admin, db, db_field, request)
    related_model = db_field.remote_field.model
    related_admin = model_admin.admin_site._registry.get(related_model)
    if not isinstance(related_admin, ScopedModelAdmin):
        return queryset
    if queryset is None:
        queryset = related_model._default_manager.using(db)
    return related_admin.scope_queryset(queryset, request)


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A filter by a related record (a council, a leader) offering only those
    the person may see: by the related model admin's scope, or else only
    those the list's own records have."""

    def field_choices(self, field, request, model_admin):
        related_model = field.related_model
        related_admin = model_admin.admin_site._registry.get(related_model)
        if not isinstance(related_admin, ScopedModelAdmin):
            return admin.RelatedOnlyFieldListFilter.field_choices(self, field, request, model_admin)
        in_scope = related_admin.scope_queryset(related_model._default_manager.all(), request)
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"pk__in": in_scope.values("pk")},
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


def scoped_list_filter(model, item):
    """``item`` of a ``list_filter``, with a filter by a related record
    offering only what is in scope."""
    if isinstance(item, str):
        name, filter_class = item, admin.RelatedFieldListFilter
    elif isinstance(item, tuple | list) and item[1] is admin.RelatedFieldListFilter:
        name, filter_class = item
    else:
        return item
    try:
        field = get_fields_from_path(model, name)[-1]
    except (FieldDoesNotExist, NotRelationField):
        return item
    if not field.is_relation:
        return item
    return (name, ScopedRelatedFieldListFilter)


class CsvExportMixin:
    """Adds "Export selected … as CSV" to a model admin's actions.

    The columns are ``csv_fields``, or the list's own columns when it is not
    set; each name may be anything ``list_display`` accepts (a field, a
    method of the admin or the model, a callable). Values come out as text a
    person can read: choices by their labels, yes/no for booleans, dates as
    2009-04-01, and nothing a spreadsheet would run as a formula.

    The action is handed the changelist's queryset, so it exports no more
    than the list shows (the person's scope, the filters, the search) and
    uses its ``list_select_related``. Where extra columns need more, say so
    in ``get_csv_queryset`` (a ``prefetch_related``) rather than querying
    per row. Put the mixin before ``ModelAdmin`` in the bases.
    """

    csv_fields = None

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        if self.has_view_permission(request):
            action = self.get_action("export_as_csv")
            actions[action[1]] = action
        return actions

    def get_csv_fields(self, request):
        fields = self.csv_fields if self.csv_fields is not None else self.get_list_display(request)
        return [name for name in fields if name != "action_checkbox"]

    def get_csv_queryset(self, request, queryset):
        return queryset

    def get_csv_filename(self, request):
        today = timezone.localdate()
        return f"{slugify(self.opts.verbose_name_plural)}-{today:%Y-%m-%d}.csv"

    @admin.action(description="Export selected %(verbose_name_plural)s as CSV")
    def export_as_csv(self, request, queryset):
        fields = self.get_csv_fields(request)
        header = [capfirst(str(label_for_field(name, self.model, self))) for name in fields]
        rows = (
            [self.csv_value(obj, name) for name in fields]
            for obj in self.get_csv_queryset(request, queryset)
        )
        return csv_response(self.get_csv_filename(request), header, rows)

    def csv_value(self, obj, name):
        """One cell as text. Numbers stay numbers; ``csv_response`` makes
        text that looks like a formula harmless."""
        try:
            field, attr, value = lookup_field(name, obj, self)
        except ObjectDoesNotExist:
            return ""
        if value is None:
            return ""
        boolean = isinstance(field, models.BooleanField) or getattr(attr, "boolean", False)
        if boolean or isinstance(value, bool):
            return "Yes" if value else "No"
        if field is not None and field.flatchoices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, int | float | Decimal):
            return value
        if isinstance(value, SafeData):  # HTML built by a display method
            return html.unescape(strip_tags(value))
        return str(value)

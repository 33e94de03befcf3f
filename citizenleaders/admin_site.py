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
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import (
    NotRelationField,
    get_fields_from_path,
    label_for_field,
    lookup_field,
    quote,
    unquote,
)
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.views import redirect_to_login
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeData
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from citizenleaders import roles
from citizenleaders.csv import csv_response
from citizenleaders.page_cache import running_pages_version
from citizenleaders.versioned_cache import VersionedCache
from citizenleaders.xlsx import xlsx_response


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


class QuickChangeList(ChangeList):
    """Django's change list, quicker with long lists: the rows of the page
    load only the fields their columns show (``ScopedModelAdmin.list_only``),
    and the address of each row's page is worked out once, not once a row.
    Actions still get whole records: Django gives them ``get_queryset()``
    afresh, not the page's rows."""

    PLACEHOLDER = "999"

    def get_results(self, request):
        # The version of the kept rows, read before the rows themselves: rows
        # read before a change are then never kept under the version after it.
        kept = self.model_admin.kept_rows
        self.kept_version = kept.version() if kept is not None else None
        if self.model_admin.list_only:
            self.queryset = self.queryset.only(*self.model_admin.list_only)
        super().get_results(request)

    def kept_rows(self, request, draw):
        """The page's table of rows, drawn by ``draw()``, or as drawn before
        for the same address and the same kind of person, where the model
        admin keeps its rows (``ScopedModelAdmin.kept_rows``). The table
        depends on nothing else: the rows are the person's scope, the columns
        and actions their roles, the order, filters and page the address."""
        kept = self.model_admin.kept_rows
        if kept is None or self.formset is not None:
            return draw()
        part = ":".join(
            [
                running_pages_version(),
                self.opts.label,
                ",".join(sorted(roles.roles_of(request.user))),
                repr(roles.scope_of(request.user)),
                ",".join(map(str, self.list_display)),
                ",".join(map(str, self.list_display_links or ())),
                request.GET.urlencode(),
            ]
        )
        return kept.get_or_set(draw, part=part, version=self.kept_version)

    def url_for_result(self, result):
        pk = str(quote(getattr(result, self.pk_attname)))
        if not (pk.isascii() and pk.isalnum()):
            return super().url_for_result(result)  # reverse() would encode it
        if not hasattr(self, "_change_url"):
            change_url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(self.PLACEHOLDER,),
                current_app=self.model_admin.admin_site.name,
            )
            # The key is the last part of the address that varies.
            self._change_url = change_url.rsplit(self.PLACEHOLDER, 1)
        before, after = self._change_url
        return f"{before}{pk}{after}"


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
    # The fields a page of the list needs, for ``QuickChangeList``: those the
    # columns and each record's name show, with ``__`` paths into the
    # ``list_select_related`` records. Empty: load every field.
    list_only: Sequence[str] = ()
    # Where the list's table of rows is kept between requests (``QuickChangeList.
    # kept_rows``): a ``VersionedCache`` whose version changes on every write
    # to what the rows show, and a template ``admin/<app>/<model>/change_list.html``
    # that draws the table with ``{% kept_result_list cl %}``. None: drawn each time.
    kept_rows: VersionedCache | None = None

    def get_changelist(self, request, **kwargs):
        return QuickChangeList

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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The "History" button (templates/admin/change_form_object_tools.html)
        # only for people who may open the history.
        context["shows_history"] = self.shows_history(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def shows_history(self, request, obj):
        return self.has_view_or_change_permission(request, obj)

    def action_checkbox(self, obj):
        """The checkbox that picks a row for a list action: Django's markup,
        written directly rather than through the form renderer's templates,
        which cost half the time of a hundred-row list."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )


class ReadableChangeHelper(HistoricalRecordContextHelper):
    """A change in the history as a person reads it: choices by their
    labels, yes or no, and "(blank)" rather than nothing."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return readable_value(self.model._meta.get_field(change.field), value)


def readable_value(field, value):
    if value is None or value == "" or value == []:
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%-d %b %Y, %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%-d %b %Y")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(blank)"
    return value


class ScopedHistoryAdmin(ScopedModelAdmin, SimpleHistoryAdmin):
    """A scoped model admin whose history page lists every saved version of
    a record (``citizenleaders.history``): when, who, and which fields
    changed from what to what; each version has its own page.

    The history is for coordinators only, in their scope (another region's
    record is not found): the versions hold what the record held, private
    fields included, so council staff, who see only part of a record, get
    403. It is view-only: a record changes through its own page and the
    services behind it, which keep rules (the capacity of an event, the
    steps of a review) that putting an old version back would skip.
    """

    object_history_template = "admin/history/object_history.html"
    history_version_template = "admin/history/version.html"
    history_list_per_page = 50

    def get_urls(self):
        # Not SimpleHistoryAdmin's own version page, which reverts on POST.
        urls = super(SimpleHistoryAdmin, self).get_urls()
        version = path(
            "<path:object_id>/history/<int:version_id>/",
            self.admin_site.admin_view(self.history_version_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_history_version",
        )
        return [version, *urls]

    # Who may see it: coordinators, in scope; nobody may revert.

    def has_view_history_permission(self, request, obj=None):
        return roles.is_coordinator(request.user) and self.has_view_or_change_permission(
            request, obj
        )

    def has_change_history_permission(self, request, obj=None):
        return False

    def shows_history(self, request, obj):
        return self.has_view_history_permission(request, obj)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        return self.has_view_history_permission(request, obj)

    def revert_disabled(self, request, obj=None):
        return True

    def history_object(self, request, object_id):
        """The record whose history is asked for: 403 for a model the person
        may not see at all, 404 for a record outside their scope, then 403
        for anyone but a coordinator."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"There is no {self.opts.verbose_name} with the ID “{object_id}”.")
        if not self.has_view_history_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        # Checked before SimpleHistoryAdmin's view, which would otherwise
        # show the history of a record it cannot find in scope.
        self.history_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChangeHelper(self.model, historical_record)

    def history_version_view(self, request, object_id, version_id):
        """One version of a record, field by field, as it was saved."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        obj = self.history_object(request, object_id)
        history = getattr(self.model, self.opts.simple_history_manager_attribute)
        record = get_object_or_404(
            history.filter(**{self.opts.pk.attname: obj.pk}).select_related("history_user"),
            history_id=version_id,
        )
        rows = [
            (capfirst(field.verbose_name), self.version_value(record, field))
            for field in history.model.tracked_fields
        ]
        for field in record._history_m2m_fields:  # as they were at this version
            name = field.m2m_reverse_field_name()
            related = [str(getattr(row, name)) for row in getattr(record, field.name).all()]
            rows.append((capfirst(field.verbose_name), ", ".join(sorted(related)) or "(blank)"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "record": record,
            "rows": rows,
            "title": f"{obj} as it was on {readable_value(None, record.history_date)}",
            "history_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_history",
                args=[obj.pk],
            ),
            "change_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
            ),
        }
        return TemplateResponse(request, self.history_version_template, context)

    @staticmethod
    def version_value(record, field):
        if field.is_relation:
            try:
                value = getattr(record, field.name)
            except ObjectDoesNotExist:
                value = getattr(record, field.attname)
        else:
            value = getattr(record, field.attname)
        return readable_value(field, value)


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
    """Adds "Export selected … as CSV" and "… as Excel (.xlsx)" to a model
    admin's actions: the same table, in either format.

    The columns are ``csv_fields``, or the list's own columns when it is not
    set; each name may be anything ``list_display`` accepts (a field, a
    method of the admin or the model, a callable). Values come out as a
    person can read them: choices by their labels, yes/no for booleans, and
    nothing a spreadsheet would run as a formula. Dates are 2009-04-01 in
    the CSV and real dates in the workbook.

    The actions are handed the changelist's queryset, so they export no more
    than the list shows (the person's scope, the filters, the search) and
    use its ``list_select_related``. Where extra columns need more, say so
    in ``get_csv_queryset`` (a ``prefetch_related``) rather than querying
    per row. Put the mixin before ``ModelAdmin`` in the bases.
    """

    csv_fields = None
    export_actions = ("export_as_csv", "export_as_xlsx")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        if self.has_view_permission(request):
            for name in self.export_actions:
                action = self.get_action(name)
                actions[action[1]] = action
        return actions

    def get_csv_fields(self, request):
        fields = self.csv_fields if self.csv_fields is not None else self.get_list_display(request)
        return [name for name in fields if name != "action_checkbox"]

    def get_csv_queryset(self, request, queryset):
        return queryset

    def get_csv_filename(self, request, extension="csv"):
        today = timezone.localdate()
        return f"{slugify(self.opts.verbose_name_plural)}-{today:%Y-%m-%d}.{extension}"

    def export_table(self, request, queryset):
        """The header and the rows (of values, see ``export_value``) that
        both exports write."""
        fields = self.get_csv_fields(request)
        header = [capfirst(str(label_for_field(name, self.model, self))) for name in fields]
        rows = (
            [self.export_value(obj, name) for name in fields]
            for obj in self.get_csv_queryset(request, queryset)
        )
        return header, rows

    @admin.action(description="Export selected %(verbose_name_plural)s as CSV")
    def export_as_csv(self, request, queryset):
        header, rows = self.export_table(request, queryset)
        text_rows = ([csv_text(value) for value in row] for row in rows)
        return csv_response(self.get_csv_filename(request), header, text_rows)

    @admin.action(description="Export selected %(verbose_name_plural)s as Excel (.xlsx)")
    def export_as_xlsx(self, request, queryset):
        header, rows = self.export_table(request, queryset)
        filename = self.get_csv_filename(request, "xlsx")
        return xlsx_response(filename, header, rows, title=capfirst(self.opts.verbose_name_plural))

    def csv_value(self, obj, name):
        """One cell as the CSV writes it."""
        return csv_text(self.export_value(obj, name))

    def export_value(self, obj, name):
        """One cell: text, a number, a date or a (naive, UK time) date and
        time. The writers make text that looks like a formula harmless."""
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
            return value.replace(tzinfo=None, second=0, microsecond=0)
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, int | float | Decimal):
            return value
        if isinstance(value, SafeData):  # HTML built by a display method
            return html.unescape(strip_tags(value))
        return str(value)


def csv_text(value):
    """A value from ``export_value`` as the CSV shows it: dates as 2009-04-01."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value

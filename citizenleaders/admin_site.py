"""The back office: the Django admin, open to coordinators only."""

import datetime
import html
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import label_for_field, lookup_field
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
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
        return request.user.is_active and roles.is_coordinator(request.user)

    def admin_view(self, view, cacheable=False):
        """Anonymous visitors go to the site's login; signed-in people who are
        not coordinators get 'You cannot see this page' rather than a login
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

    def password_change(self, request, extra_context=None):
        """One place to change a password: the account settings."""
        return redirect("account_change_password")

    def password_change_done(self, request, extra_context=None):
        return redirect("me")


class ScopedModelAdmin(admin.ModelAdmin):
    """A model admin whose list a regional coordinator sees only for their
    region. ``region_field`` is the path from the model to its region; where
    the region is further away than one path (through a many-to-many, say),
    override ``scope_queryset`` instead."""

    region_field: str = ""

    def get_queryset(self, request):
        return self.scope_queryset(super().get_queryset(request), request)

    def scope_queryset(self, queryset, request):
        """Narrow ``queryset`` to what the person may see. Every page of the
        admin goes through it: lists, change pages, autocompletes, actions."""
        if not self.region_field:
            return queryset if roles.is_national_coordinator(request.user) else queryset.none()
        return roles.filter_by_region(queryset, request.user, self.region_field)


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
